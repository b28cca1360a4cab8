/**
 * Clustering of many layers in parallel with worker threads: each worker opens the checkpoint itself and
 * clusters the layers it is handed (one at a time, so memory is one layer's rows per worker).
 */
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { openDense } from "./dense.js";
import { type ClusterParams, clusterLayer } from "./methods.js";

interface Job {
  layer: number;
}

export async function clusterLayersParallel(
  modelPath: string,
  layers: number,
  params: ClusterParams,
  workers: number,
  onLayer?: () => void,
): Promise<Int32Array[]> {
  const results: Int32Array[] = new Array(layers);
  let next = 0;
  const pool = Array.from(
    { length: Math.min(workers, layers) },
    () => new Worker(new URL(import.meta.url), { workerData: { modelPath, params } }),
  );
  try {
    await Promise.all(
      pool.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const give = (): void => {
              if (next >= layers) {
                resolve();
                return;
              }
              w.postMessage({ layer: next++ } satisfies Job);
            };
            w.on("message", (msg: { layer: number; labels: Int32Array }) => {
              results[msg.layer] = msg.labels;
              onLayer?.();
              give();
            });
            w.on("error", reject);
            give();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results;
}

if (!isMainThread && parentPort && (workerData as { modelPath?: string })?.modelPath) {
  const { modelPath, params } = workerData as { modelPath: string; params: ClusterParams };
  const dense = openDense(modelPath);
  const port = parentPort;
  port.on("message", (job: Job) => {
    const labels = clusterLayer(dense, job.layer, params);
    port.postMessage({ layer: job.layer, labels }, [labels.buffer as ArrayBuffer]);
  });
}
