// TensorFlow.js's cpu backend with its gradients registered, for the tests that compare our
// gradients with its autodiff (an independent implementation). Importing this module sets it up.

import { registerTfGradients, tf } from "../dev_deps.ts";

await registerTfGradients();
tf.env().set("PROD", true); // no console banner from the cpu backend
await tf.setBackend("cpu");

export { tf };
