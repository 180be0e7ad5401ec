package io.outflux.lineprotocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Line shapes and boundaries; field value syntax is pinned in {@link FieldValuesTest}. */
class LineScannerTest {

  private final LineScanner scanner = new LineScanner();
  private final LineInfo info = new LineInfo();

  private LineKind scan(String line) {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    return scanner.scan(b, 0, b.length, info);
  }

  private LineKind scan(byte[] b) {
    return scanner.scan(b, 0, b.length, info);
  }

  private static String slice(String line, int start, int end) {
    return new String(line.getBytes(StandardCharsets.UTF_8), start, end - start,
        StandardCharsets.UTF_8);
  }

  private void assertRejected(String line, LineError error) {
    assertEquals(LineKind.ERROR, scan(line), () -> line + " was accepted");
    assertEquals(error, info.error(), () -> line + ": " + info.reason());
  }

  @Test
  void telegrafLineReportsEverySectionBoundary() {
    String line = "cpu,cpu=cpu0,host=edge-01 usage_user=1.2,usage_system=0.3 1700000000000000000";
    assertEquals(LineKind.POINT, scan(line));
    assertEquals("cpu", slice(line, info.measurementStart(), info.measurementEnd()));
    assertEquals("cpu=cpu0,host=edge-01", slice(line, info.tagsStart(), info.tagsEnd()));
    assertEquals(2, info.tagCount());
    assertEquals("usage_user=1.2,usage_system=0.3", slice(line, info.fieldsStart(), info.fieldsEnd()));
    assertEquals(2, info.fieldCount());
    assertTrue(info.timestampPresent());
    assertEquals("1700000000000000000", slice(line, info.timestampStart(), info.timestampEnd()));
    assertEquals(1_700_000_000_000_000_000L, info.timestamp());
    assertFalse(info.hasCarriageReturn());
    assertNull(info.error());
  }

  @Test
  void lineWithoutTagsOrTimestampHasEmptyTagRangeAndNoTimestamp() {
    String line = "mem free=1i";
    assertEquals(LineKind.POINT, scan(line));
    assertEquals(info.measurementEnd(), info.tagsStart());
    assertEquals(info.tagsStart(), info.tagsEnd());
    assertEquals(0, info.tagCount());
    assertFalse(info.timestampPresent(), "caller appends the read time");
    assertEquals(line.length(), info.fieldsEnd());
  }

  @Test
  void boundariesAreIndexesIntoTheWholeBuffer() {
    byte[] b = "xxcpu v=1 5\nyy".getBytes(StandardCharsets.US_ASCII);
    assertEquals(LineKind.POINT, scanner.scan(b, 2, 11, info));
    assertEquals(2, info.measurementStart());
    assertEquals(5, info.measurementEnd());
    assertEquals(6, info.fieldsStart());
    assertEquals(10, info.timestampStart());
    assertEquals(5, info.timestamp());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "# a comment", "   # indented comment", "#", "\r", "  \r",
      "# comment with UTF-8 ÿ and \u00e9"})
  void blankAndCommentLinesAreSkipped(String line) {
    assertEquals(LineKind.SKIP, scan(line));
  }

  /** Unlike a plain comment, one holding a control byte (a tab included, as in the reference) is refused, at that byte. */
  @ParameterizedTest
  @ValueSource(strings = {"# tab\there", "# bell\u0007", "#\u0001", "  # unit separator \u001f.", "# delete \u007f"})
  void aCommentHoldingAControlByteIsAnErrorAtThatByte(String line) {
    assertRejected(line, LineError.CONTROL_CHAR);
    int controlByte = line.chars().map(c -> c < 0x20 || c == 0x7f ? 1 : 0).boxed().toList().indexOf(1);
    assertEquals(controlByte, info.errorPosition(), () -> line + ": " + info.reason());
  }

  @Test
  void crlfLineEndingIsExcludedAndReportedSoTheCallerCanNormaliseIt() {
    String line = "cpu v=1 42\r";
    assertEquals(LineKind.POINT, scan(line));
    assertTrue(info.hasCarriageReturn());
    assertEquals(line.length() - 1, info.lineEnd());
    assertEquals(42, info.timestamp());
    assertEquals(LineKind.POINT, scan("cpu v=1\r"));
    assertTrue(info.hasCarriageReturn());
    assertEquals(LineKind.POINT, scan("cpu v=\"x\"\r"));
  }

  @Test
  void carriageReturnInsideALineIsAnError() {
    assertEquals(LineKind.ERROR, scan("cpu v=1\r 42"));
    assertEquals(LineKind.ERROR, scan("cpu v=1\r\r"), "only one trailing CR is a line ending");
  }

  @Test
  void escapedSpaceAndCommaInMeasurementStayInTheName() {
    String line = "my\\ cpu\\,x,host=a v=1";
    assertEquals(LineKind.POINT, scan(line));
    assertEquals("my\\ cpu\\,x", slice(line, info.measurementStart(), info.measurementEnd()));
    assertEquals(1, info.tagCount());
  }

  @Test
  void measurementMayContainAnUnescapedEqualsSign() {
    assertEquals(LineKind.POINT, scan("a=b v=1"));
  }

  @Test
  void escapedSpaceCommaAndEqualsInTagKeysValuesAndFieldKeys() {
    String line = "m,k\\ e\\=y=v\\ a\\,l\\=ue f\\ i\\,e\\=ld=1";
    assertEquals(LineKind.POINT, scan(line));
    assertEquals("k\\ e\\=y=v\\ a\\,l\\=ue", slice(line, info.tagsStart(), info.tagsEnd()));
    assertEquals(1, info.fieldCount());
  }

  @Test
  void backslashBeforeAnOrdinaryCharacterIsALiteralBackslash() {
    assertEquals(LineKind.POINT, scan("m,path=C:\\temp v=1"));
  }

  @Test
  void doubleBackslashInANameIsNotAnEscapedBackslash() {
    // As in the reference: "\\" is two literal backslashes, the second of which escapes the
    // space, so the tag value runs on into "v" and stops at the "=" that cannot be in it.
    assertRejected("m,k=a\\\\ v=1", LineError.UNEXPECTED_CHAR);
  }

  @Test
  void escapedSpaceDoesNotEndTheMeasurement() {
    assertRejected("m\\ v=1", LineError.MISSING_FIELDS);
  }

  @Test
  void leadingSpacesBeforeTheMeasurementAreTolerated() {
    assertEquals(LineKind.POINT, scan("  cpu v=1"));
    assertEquals(2, info.measurementStart());
  }

  @Test
  void extraAndTrailingSpacesBetweenSectionsAreAccepted() {
    assertEquals(LineKind.POINT, scan("cpu,a=b   v=1   123   "));
    assertEquals(123, info.timestamp());
    assertEquals(LineKind.POINT, scan("cpu v=1 "));
    assertFalse(info.timestampPresent());
  }

  @ParameterizedTest
  @ValueSource(strings = {"cpu", "cpu ", "cpu,host=a", "cpu,host=a ", "  cpu"})
  void lineWithoutFieldsIsRejected(String line) {
    assertRejected(line, LineError.MISSING_FIELDS);
  }

  @Test
  void malformedTagSetsAreRejectedWithTheirCause() {
    assertRejected(",host=a v=1", LineError.EMPTY_MEASUREMENT);
    assertRejected("cpu, v=1", LineError.EMPTY_TAG_KEY);
    assertRejected("cpu,=a v=1", LineError.EMPTY_TAG_KEY);
    assertRejected("cpu,host v=1", LineError.MISSING_TAG_EQUALS);
    assertRejected("cpu,host= v=1", LineError.EMPTY_TAG_VALUE);
    assertRejected("cpu,host=a=b v=1", LineError.UNEXPECTED_CHAR);
    assertRejected("cpu,host=a, v=1", LineError.EMPTY_TAG_KEY);
  }

  @Test
  void duplicateTagKeysAreRejectedEvenWhenSpelledWithDifferentOrder() {
    assertRejected("m,a=1,b=2,a=3 v=1", LineError.DUPLICATE_TAG_KEY);
    assertRejected("m,b=1,a=2,b=3 v=1", LineError.DUPLICATE_TAG_KEY);
    assertRejected("m,k\\ x=1,k\\ x=2 v=1", LineError.DUPLICATE_TAG_KEY);
    assertEquals(LineKind.POINT, scan("m,k\\ x=1,k\\\\ x=2 v=1"), "different unescaped keys");
    assertEquals(LineKind.POINT, scan("m,z=1,a=2,m=3 v=1"), "unsorted but distinct");
  }

  @Test
  void manyTagsGrowTheScratchSpaceOnce() {
    StringBuilder sb = new StringBuilder("m");
    for (int i = 0; i < 100; i++) {
      sb.append(",t").append(i).append("=v");
    }
    assertEquals(LineKind.POINT, scan(sb.append(" v=1").toString()));
    assertEquals(100, info.tagCount());
    assertRejected(sb.toString().replace(" v=1", ",t42=x v=1"), LineError.DUPLICATE_TAG_KEY);
  }

  @Test
  void malformedFieldSetsAreRejectedWithTheirCause() {
    assertRejected("cpu =1", LineError.EMPTY_FIELD_KEY);
    assertRejected("cpu v=1,", LineError.EMPTY_FIELD_KEY);
    assertRejected("cpu v=1, w=2", LineError.EMPTY_FIELD_KEY);
    assertRejected("cpu v", LineError.MISSING_FIELD_EQUALS);
    assertRejected("cpu v=", LineError.MISSING_FIELD_VALUE);
    assertRejected("cpu v= 1", LineError.BAD_FIELD_VALUE);
    assertRejected("cpu v=\"a\"b", LineError.UNEXPECTED_CHAR);
    assertRejected("cpu v=abc", LineError.BAD_FIELD_VALUE);
  }

  @Test
  void quotedStringsMayHoldEscapedQuotesBackslashesSpacesAndCommas() {
    String line = "log msg=\"he said \\\"hi, there\\\" \\\\o/\",n=1i";
    assertEquals(LineKind.POINT, scan(line));
    assertEquals(2, info.fieldCount());
    assertEquals(LineKind.POINT, scan("log msg=\"\""), "empty string");
    assertEquals(LineKind.POINT, scan("log msg=\"ends in backslash\\\\\""));
    assertEquals(LineKind.POINT, scan("log msg=\"tab\there, NUL\u0000 too\""),
        "the grammar allows any byte but '\"' inside quotes");
    assertEquals(LineKind.POINT, scan("log msg=\"a\\nb\""), "escaped newline");
  }

  @Test
  void unterminatedStringsAreRejected() {
    assertRejected("log msg=\"open", LineError.UNTERMINATED_STRING);
    assertRejected("log msg=\"escaped close\\\"", LineError.UNTERMINATED_STRING);
    assertRejected("log msg=\"", LineError.UNTERMINATED_STRING);
  }

  @Test
  void theStringShapeThatCrashesInfluxd167IsRejected() {
    // Corpus case 4e8bcb12...: influxd 1.6.7 panics in models.(*point).StringValue on it.
    assertEquals(LineKind.ERROR, scan("0 \\\\=\"=\""));
  }

  @ParameterizedTest
  @ValueSource(strings = {"t", "T", "true", "True", "TRUE", "f", "F", "false", "False", "FALSE"})
  void allBooleanSpellingsOfTheGrammarAreAccepted(String value) {
    assertEquals(LineKind.POINT, scan("m b=" + value));
  }

  @ParameterizedTest
  @ValueSource(strings = {"tRUE", "yes", "tr", "truee", "FALSe", "falsey"})
  void otherBooleanSpellingsAreRejected(String value) {
    assertRejected("m b=" + value, LineError.BAD_FIELD_VALUE);
  }

  @Test
  void negativeAndZeroTimestampsAreAccepted() {
    assertEquals(LineKind.POINT, scan("m v=1 -1"));
    assertEquals(-1, info.timestamp());
    assertEquals(LineKind.POINT, scan("m v=1 -9223372036854775808"));
    assertEquals(Long.MIN_VALUE, info.timestamp());
    assertEquals(LineKind.POINT, scan("m v=1 0"));
    assertTrue(info.timestampPresent());
  }

  @Test
  void badTimestampsAreRejected() {
    assertRejected("m v=1 12a", LineError.BAD_TIMESTAMP);
    assertRejected("m v=1 -", LineError.BAD_TIMESTAMP);
    assertRejected("m v=1 1-2", LineError.BAD_TIMESTAMP);
    assertRejected("m v=1 1.5", LineError.BAD_TIMESTAMP);
    assertRejected("m v=1 abc", LineError.BAD_TIMESTAMP);
    assertRejected("m v=1 1 2", LineError.TRAILING_TEXT);
    assertRejected("m v=1 9223372036854775808", LineError.TIMESTAMP_OUT_OF_RANGE);
  }

  @Test
  void timestampRangeDependsOnThePrecision() {
    byte[] b = "m v=1 9223372037".getBytes(StandardCharsets.US_ASCII); // seconds: > int64 ns
    assertEquals(LineKind.POINT, new LineScanner(Precision.MS).scan(b, 0, b.length, info));
    assertEquals(LineKind.ERROR, new LineScanner(Precision.S).scan(b, 0, b.length, info));
    assertEquals(LineError.TIMESTAMP_OUT_OF_RANGE, info.error());
    assertEquals(LineKind.POINT, new LineScanner(Precision.NS).scan(b, 0, b.length, info));
  }

  @Test
  void validUtf8NamesAndValuesAreAccepted() {
    assertEquals(LineKind.POINT, scan("température,pièce=salon valeur=21.5,note=\"très chaud 🔥\""));
  }

  @Test
  void invalidUtf8IsRejectedWhereverItIs() {
    byte[][] lines = {
        bytes("m", 0xff, " v=1"),
        bytes("m,k", 0xc3, "=v v=1"),
        bytes("m,k=v", 0xc3, 0x28, " v=1"),
        bytes("m f", 0xe2, 0x82, "=1"),
        bytes("m s=\"", 0xc0, 0xaf, "\""),           // overlong '/'
        bytes("m s=\"", 0xed, 0xa0, 0x80, "\""),     // UTF-16 surrogate
        bytes("m s=\"", 0xf4, 0x90, 0x80, 0x80, "\""), // above U+10FFFF
    };
    for (byte[] line : lines) {
      assertEquals(LineKind.ERROR, scan(line), () -> new String(line, StandardCharsets.ISO_8859_1));
      assertEquals(LineError.INVALID_UTF8, info.error());
    }
  }

  @Test
  void controlCharactersAndNulAreRejectedInNamesButAllowedInTagValuesAndStrings() {
    assertRejected("cp\u0000u v=1", LineError.CONTROL_CHAR);
    assertRejected("\u0000cpu v=1", LineError.CONTROL_CHAR);
    assertRejected("cpu,k\u0001=a v=1", LineError.CONTROL_CHAR);
    assertRejected("cpu f\u0000=1", LineError.CONTROL_CHAR);
    assertRejected("cpu\tv=1", LineError.CONTROL_CHAR);
    // The reference grammar (and its corpus, case d2968e6b...) accepts these:
    assertEquals(LineKind.POINT, scan("cpu,k=x\u0001y v=1"));
    assertEquals(LineKind.POINT, scan("cpu s=\"nul\u0000inside\""));
  }

  @Test
  void veryLongLineIsScannedInOnePass() {
    StringBuilder sb = new StringBuilder("m,host=a ");
    for (int i = 0; i < 20_000; i++) {
      sb.append(i == 0 ? "" : ",").append("f").append(i).append('=').append(i).append(".5");
    }
    sb.append(" 1700000000000000000");
    assertTrue(sb.length() > 200_000);
    assertEquals(LineKind.POINT, scan(sb.toString()));
    assertEquals(20_000, info.fieldCount());
    assertRejected("m s=\"" + "x".repeat(1 << 20), LineError.UNTERMINATED_STRING);
  }

  @Test
  void unsignedIntegersAndTimeTagKeyAreLeftToTheServer() {
    // InfluxDB 1.x refuses both; the grammar accepts them, so they are passed on.
    assertEquals(LineKind.POINT, scan("m v=42u"));
    assertEquals(LineKind.POINT, scan("m,time=1 v=1"));
  }

  @Test
  @DisplayName("reason() names the error, the column and the offending byte")
  void reasonNamesErrorColumnAndByte() {
    scan("cpu,host=a v=1x");
    assertEquals("invalid field value at column 14 (found '1')", info.reason());
    scan("cpu");
    assertEquals("no field set at column 4 (end of line)", info.reason());
    scan("cpu\tv=1");
    assertEquals("control character at column 4 (found byte 0x09)", info.reason());
  }

  @Test
  void infoIsResetBetweenLines() {
    scan("m v=1 5");
    scan("m v=1");
    assertFalse(info.timestampPresent());
    assertEquals(0, info.timestamp());
    scan("bad");
    scan("m,a=b v=1");
    assertNull(info.error());
    assertEquals(1, info.tagCount());
  }

  static byte[] bytes(Object... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (Object p : parts) {
      if (p instanceof String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
      } else {
        out.write((Integer) p);
      }
    }
    return out.toByteArray();
  }
}
