package io.outflux.lineprotocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.testing.LineMutator;
import org.junit.jupiter.api.Test;

/** Tens of thousands of hostile inputs through the scanner: it never throws and its answers are coherent. */
class ScannerFuzzTest {

  @Test
  void hostileInputsNeverThrowAndErrorsPointInsideTheLine() {
    LineMutator mutator = new LineMutator(20261129L);
    LineScanner scanner = new LineScanner(Precision.NS);
    LineInfo info = new LineInfo();
    int points = 0;
    int errors = 0;
    for (int i = 0; i < 50_000; i++) {
      byte[] b = mutator.next();
      int pos = 0;
      for (int nl; pos <= b.length; pos = nl + 1) {
        nl = Newlines.indexOf(b, pos, b.length);
        int end = nl < 0 ? b.length : nl;
        LineKind kind = scanner.scan(b, pos, end, info);
        assertEquals(kind, info.kind());
        if (kind == LineKind.ERROR) {
          errors++;
          assertNotNull(info.error());
          assertTrue(info.errorPosition() >= pos && info.errorPosition() <= end,
              "input " + i + ": error position " + info.errorPosition() + " outside [" + pos + ", " + end + "]");
          assertNotNull(info.reason());
        } else if (kind == LineKind.POINT) {
          points++;
          assertTrue(info.fieldCount() > 0, "input " + i + ": a point has fields");
          assertTrue(info.lineEnd() <= end);
        }
        if (nl < 0) {
          break;
        }
      }
    }
    assertTrue(points > 3_000 && errors > 20_000, "the generator exercises both sides: " + points + "/" + errors);
  }
}
