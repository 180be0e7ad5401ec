package io.outflux.transport;

import com.github.luben.zstd.ZstdDictTrainer;
import io.vertx.core.buffer.Buffer;

/**
 * The samples of one training: each line sent is a sample (a batch of a stream or slow site is a few
 * lines, so that is what the dictionary must predict), up to {@link #TRAIN_AFTER} bytes of them, so
 * the memory is bounded; lines longer than {@value #MAX_SAMPLE} bytes are left out. {@link #train()}
 * blocks for about a second: call it on a worker. bench/metered-bytes.sh trains the same way.
 */
public final class DictionaryTrainer {

  /** Lines sent before the first training: enough samples for a good dictionary, few enough to start soon. */
  public static final int TRAIN_AFTER = 2 << 20;
  private static final int MAX_SAMPLE = 4096;

  private final ZstdDictTrainer trainer;
  private long sampled;

  /** @param size the dictionary's size in bytes */
  public DictionaryTrainer(int size) {
    this.trainer = new ZstdDictTrainer(TRAIN_AFTER + MAX_SAMPLE, size);
  }

  /** Takes the payload's lines as samples; true once there are enough to train. */
  public boolean add(Buffer payload) {
    int start = 0;
    for (int i = 0; i < payload.length() && sampled < TRAIN_AFTER; i++) {
      if (payload.getByte(i) == '\n') {
        int length = i + 1 - start;
        if (length > 1 && length <= MAX_SAMPLE) {
          trainer.addSample(payload.getBytes(start, i + 1));
          sampled += length;
        }
        start = i + 1;
      }
    }
    return full();
  }

  public boolean full() {
    return sampled >= TRAIN_AFTER;
  }

  public long sampled() {
    return sampled;
  }

  /** Trains the dictionary (blocking: a worker's work). */
  public ZstdDictionary train() {
    return ZstdDictionary.of(trainer.trainSamples());
  }
}
