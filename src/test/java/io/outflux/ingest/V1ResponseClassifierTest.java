package io.outflux.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Bodies below are what influxd 1.6.7 answered here (docs/influxdb-1.6-notes.md). */
class V1ResponseClassifierTest {

  @Test
  void partialWriteRejectsExactlyTheNamedLines() {
    String error = "partial write: unable to parse 'r v= 2': missing field value\n"
        + "unable to parse 'r,x v=4 4': missing tag value dropped=0";
    var w = assertInstanceOf(WriteResult.Written.class, V1ResponseClassifier.classify(400, error, 5));
    assertEquals(3, w.written());
    assertEquals(List.of("r v= 2", "r,x v=4 4"), w.rejected().stream().map(r -> r.line()).toList());
    assertEquals("missing field value", w.rejected().get(0).reason());
    assertEquals("missing tag value", w.rejected().get(1).reason());
  }

  @Test
  void fieldTypeConflictCountsDroppedPointsThatInfluxDbDoesNotName() {
    String error = "partial write: field type conflict: input field \"v\" on measurement \"q2\" is type integer, "
        + "already exists as type float dropped=2";
    var w = assertInstanceOf(WriteResult.Written.class, V1ResponseClassifier.classify(400, error, 4));
    assertEquals(2, w.written());
    assertEquals(1, w.rejected().size());
  }

  @Test
  void a400NamingNothingRefusedTheWholeBatch() {
    var w = assertInstanceOf(WriteResult.Written.class, V1ResponseClassifier.classify(400, "bad timestamp", 3));
    assertEquals(0, w.written());
  }

  @Test
  void statusesMapToAuthPermanentAndRetryable() {
    assertInstanceOf(WriteResult.Written.class, V1ResponseClassifier.classify(204, "", 3));
    assertEquals(401, assertInstanceOf(WriteResult.AuthFailed.class,
        V1ResponseClassifier.classify(401, "authorization failed", 1)).status());
    assertEquals(403, assertInstanceOf(WriteResult.AuthFailed.class,
        V1ResponseClassifier.classify(403, "not authorized", 1)).status());
    assertEquals(404, assertInstanceOf(WriteResult.Failed.class,
        V1ResponseClassifier.classify(404, "database not found: \"x\"", 1)).status());
    assertInstanceOf(WriteResult.Failed.class, V1ResponseClassifier.classify(500, "retention policy not found: x", 1));
    assertInstanceOf(WriteResult.Retryable.class, V1ResponseClassifier.classify(500, "engine: cache-max-memory-size exceeded", 1));
    assertInstanceOf(WriteResult.Retryable.class, V1ResponseClassifier.classify(503, "", 1));
    assertEquals(413, assertInstanceOf(WriteResult.Failed.class, V1ResponseClassifier.classify(413, "too large", 1)).status());
  }
}
