package io.outflux.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** zstd batch bodies are decoded like gzip ones: bounded by http.maxBodySize, a corrupt one is a 400. */
class ZstdBodyTest {

  @Test
  void aZstdBodyDecodesToItsLines() throws Exception {
    byte[] lines = "cpu v=1 1\ncpu v=2 2\n".getBytes(StandardCharsets.UTF_8);
    assertEquals(Buffer.buffer(lines), GzipBody.inflateZstd(Buffer.buffer(com.github.luben.zstd.Zstd.compress(lines)), 1024));
  }

  @Test
  void aZstdBombStopsAtTheSizeLimitAndGarbageIsCorrupt() {
    byte[] bomb = com.github.luben.zstd.Zstd.compress(new byte[8 << 20], 1); // 8 MiB of zeros: a few hundred bytes
    GzipBody.TooLarge big = assertThrows(GzipBody.TooLarge.class, () -> GzipBody.inflateZstd(Buffer.buffer(bomb), 1 << 20));
    assertEquals(413, GzipBody.status(big));
    GzipBody.Corrupt bad = assertThrows(GzipBody.Corrupt.class,
        () -> GzipBody.inflateZstd(Buffer.buffer("not zstd at all".getBytes(StandardCharsets.UTF_8)), 1 << 20));
    assertEquals(400, GzipBody.status(bad));
  }

  /** A zstd-dict body decodes with its dictionary only, and stays bounded by the size limit. */
  @Test
  void aDictionaryBodyDecodesWithItsDictionaryAndABombStopsAtTheLimit() throws Exception {
    StringBuilder sample = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      sample.append("cpu,host=edge-").append(i % 7).append(",cpu=cpu").append(i % 4).append(" usage_user=")
          .append(i * 0.37).append(' ').append(1_700_000_000_000_000_000L + i * 10_000_000_000L).append('\n');
    }
    com.github.luben.zstd.ZstdDictTrainer trainer = new com.github.luben.zstd.ZstdDictTrainer(4 << 20, 16 << 10);
    for (String line : sample.toString().split("(?<=\n)")) {
      trainer.addSample(line.getBytes(StandardCharsets.UTF_8));
    }
    byte[] dict = trainer.trainSamples();
    byte[] lines = "cpu,host=edge-1,cpu=cpu0 usage_user=1.5 1700000000000000000\n".getBytes(StandardCharsets.UTF_8);
    byte[] packed = com.github.luben.zstd.Zstd.compress(lines, new com.github.luben.zstd.ZstdDictCompress(dict, 1));
    com.github.luben.zstd.ZstdDictDecompress d = new com.github.luben.zstd.ZstdDictDecompress(dict);
    assertEquals(Buffer.buffer(lines), GzipBody.inflateZstd(Buffer.buffer(packed), 1024, d));
    assertThrows(GzipBody.Corrupt.class, () -> GzipBody.inflateZstd(Buffer.buffer(packed), 1024),
        "without its dictionary it does not decode");
    byte[] bomb = com.github.luben.zstd.Zstd.compress(new byte[8 << 20], new com.github.luben.zstd.ZstdDictCompress(dict, 1));
    assertEquals(413, GzipBody.status(assertThrows(GzipBody.TooLarge.class,
        () -> GzipBody.inflateZstd(Buffer.buffer(bomb), 1 << 20, d))));
  }
}
