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
}
