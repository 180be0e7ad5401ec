package io.outflux.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.protocol.DictionaryProtocol;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A hostile or broken upload ({@code PUT /api/v1/dictionaries/<id>}) is refused with a status, never
 * kept, never a crash: empty, too large, an id that is not its hash, bytes that claim to be a zstd
 * dictionary (its magic number) and are not. Bytes without the magic number are a raw-content
 * dictionary, which zstd takes as they are (harmless: they only compress badly).
 */
class DictionaryUploadTest {

  private static final byte[] MAGIC = {0x37, (byte) 0xA4, 0x30, (byte) 0xEC};

  private static int status(String id, byte[] bytes) {
    return DictionaryHandler.refusal(id, bytes).map(DictionaryHandler.Refusal::status).orElse(204);
  }

  private static int status(byte[] bytes) {
    return status(DictionaryProtocol.idOf(bytes), bytes);
  }

  @Test
  void emptyOversizedAndMisnamedUploadsAreRefused() {
    assertEquals(400, status("0123456789abcdef", new byte[0]));
    assertEquals(413, status(new byte[DictionaryProtocol.MAX_SIZE + 1]));
    byte[] d = "cpu,host=edge usage_idle=".repeat(100).getBytes(StandardCharsets.UTF_8);
    assertEquals(204, status(d), "raw content of the largest size or less is taken");
    assertEquals(204, status(new byte[DictionaryProtocol.MAX_SIZE]));
    Optional<DictionaryHandler.Refusal> misnamed = DictionaryHandler.refusal("0123456789abcdef", d);
    assertEquals(400, misnamed.orElseThrow().status());
    assertTrue(misnamed.get().message().contains(DictionaryProtocol.idOf(d)), misnamed.get().message());
  }

  /** Garbage behind the dictionary magic number: zstd-jni refuses to load it (an exception, not a crash), a 400. */
  @Test
  void garbageThatClaimsToBeADictionaryIsABadRequestNotACrash() {
    Random random = new Random(7);
    for (int i = 0; i < 500; i++) {
      byte[] b = new byte[8 + random.nextInt(DictionaryProtocol.MAX_SIZE - 8)];
      random.nextBytes(b);
      System.arraycopy(MAGIC, 0, b, 0, MAGIC.length);
      assertEquals(400, status(b), "garbage of " + b.length + " bytes");
    }
  }

  @Test
  void aTrainedDictionaryIsTaken() {
    com.github.luben.zstd.ZstdDictTrainer trainer = new com.github.luben.zstd.ZstdDictTrainer(1 << 20, 16 << 10);
    for (int i = 0; i < 10_000; i++) {
      trainer.addSample(("cpu,host=edge-" + (i % 7) + " usage_user=" + i * 0.37 + " " + (1_700_000_000L + i) + "\n")
          .getBytes(StandardCharsets.UTF_8));
    }
    assertEquals(204, status(trainer.trainSamples()));
  }
}
