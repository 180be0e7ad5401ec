package io.outflux.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.protocol.StreamProtocol.Payload;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The stream's payload encoding, both sides of the upgrade: the client asks for zstd only when configured
 * so, the server agrees only to what was asked, the client uses zstd only when it asked and the 101
 * agreed, and its dictionary only on a zstd stream whose server holds it; otherwise gzip (or plain) as
 * before zstd.
 */
class StreamEncodingTest {

  /** What the server's 101 answers to the upgrade of a client configured (or not) for zstd. */
  private static Optional<String> serverAnswers(boolean zstdConfigured) {
    return StreamEncoding.answer(StreamEncoding.ask(zstdConfigured).orElse(null));
  }

  @Test
  void aZstdClientAndAServerThatKnowsItAgreeOnZstd() {
    assertEquals(Optional.of("zstd"), StreamEncoding.ask(true));
    assertEquals(Optional.of("zstd"), serverAnswers(true));
    assertTrue(StreamEncoding.agreed(true, serverAnswers(true).orElse(null)));
  }

  @Test
  void aClientNotConfiguredForZstdNeitherAsksNorIsAnswered() {
    assertEquals(Optional.empty(), StreamEncoding.ask(false));
    assertEquals(Optional.empty(), serverAnswers(false), "the 101 carries no encoding header");
    assertFalse(StreamEncoding.agreed(false, serverAnswers(false).orElse(null)));
  }

  /** A server before zstd does not answer the header: the client falls back to gzip. */
  @Test
  void aServerThatDoesNotAnswerTheHeaderGetsGzip() {
    assertFalse(StreamEncoding.agreed(true, null));
    assertEquals(Payload.GZIP, StreamEncoding.payload(StreamEncoding.agreed(true, null), false, true));
  }

  /** A 101 naming zstd to a client that did not ask (a proxy's header, a confused server) changes nothing. */
  @Test
  void anAnswerTheClientDidNotAskForIsIgnored() {
    assertFalse(StreamEncoding.agreed(false, "zstd"));
    assertEquals(Payload.GZIP, StreamEncoding.payload(StreamEncoding.agreed(false, "zstd"), false, true));
    assertEquals(Payload.PLAIN, StreamEncoding.payload(StreamEncoding.agreed(false, "zstd"), false, false));
  }

  @Test
  void theServerAgreesToTheZstdTokenOnlyInAnyCaseAndAmongOthers() {
    for (String asked : new String[] {"zstd", " ZSTD ", "gzip, zstd", "Zstd,br"}) {
      assertEquals(Optional.of("zstd"), StreamEncoding.answer(asked), asked);
    }
    for (String asked : new String[] {null, "", "gzip", "zstdx", "zstd-dict", "x-zstd"}) {
      assertEquals(Optional.empty(), StreamEncoding.answer(asked), String.valueOf(asked));
    }
  }

  /**
   * The batch's flag: zstd with the dictionary only on a zstd stream whose server said it holds it;
   * a held dictionary on a stream that did not agree zstd is never used.
   */
  @Test
  void theBatchPayloadFollowsTheAgreementAndTheHeldDictionary() {
    Object[][] table = {
        // agreed, held, gzip -> payload
        {true, true, true, Payload.ZSTD_DICTIONARY},
        {true, false, true, Payload.ZSTD},
        {false, true, true, Payload.GZIP},
        {false, false, true, Payload.GZIP},
        {false, true, false, Payload.PLAIN},
        {false, false, false, Payload.PLAIN},
    };
    for (Object[] row : table) {
      assertEquals(row[3], StreamEncoding.payload((boolean) row[0], (boolean) row[1], (boolean) row[2]),
          Arrays.toString(row));
    }
  }
}
