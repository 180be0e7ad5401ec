package io.outflux.lineprotocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Unquoted field values as Go's strconv (the reference decoder's parser) takes them. */
class FieldValuesTest {

  private final LineScanner scanner = new LineScanner();
  private final LineInfo info = new LineInfo();

  private LineError valueError(String value) {
    byte[] b = ("m v=" + value + ",w=1 1").getBytes(StandardCharsets.UTF_8);
    scanner.scan(b, 0, b.length, info);
    return info.error();
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "-1", "1.5", "-0.0", ".5", "-.5", "1.", "0", "007", "1e3", "1E3",
      "1e+3", "1e-3", "-1.5E-10", "1.e5", "1.7976931348623157e308", "4.9e-324", "1e-400",
      "0e999999", "1_000", "1_000.000_1", "1e1_0", "0x1p4", "0X1.8P-1", "-0x.8p1", "0x_1p0"})
  void floatsIncludingExponentsHexAndDigitSeparatorsAreAccepted(String value) {
    assertEquals(null, valueError(value), value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"-", ".", "1.2.3", "1e", "1e+", "1ee3", "--1", "-+1", "1a", "0x1",
      "0x1.8", "_1", "1__0", "1_", "1_.5", "1._5", "1_e5", "-inf", "-Infinity", "-nan", "1.5f",
      "0xp0", "1e5.5"})
  void malformedFloatsAreRejected(String value) {
    assertEquals(LineError.BAD_FIELD_VALUE, valueError(value), value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1e309", "1.8e308", "-1.8e308", "0x1p1024", "100e307"})
  void floatsBeyondFloat64AreOutOfRange(String value) {
    assertEquals(LineError.FIELD_VALUE_OUT_OF_RANGE, valueError(value), value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1i", "-1i", "0i", "-0i", "007i", "9223372036854775807i",
      "-9223372036854775808i", "1234567890123456789i"})
  void integersWithISuffixAreAccepted(String value) {
    assertEquals(null, valueError(value), value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"i", "-i", "1.0i", "1e3i", "1_000i", "0x10i", "--1i", "1ii"})
  void malformedIntegersAreRejected(String value) {
    assertEquals(LineError.BAD_FIELD_VALUE, valueError(value), value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"9223372036854775808i", "-9223372036854775809i", "99999999999999999999i"})
  void integersBeyondInt64AreOutOfRange(String value) {
    assertEquals(LineError.FIELD_VALUE_OUT_OF_RANGE, valueError(value), value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0u", "42u", "18446744073709551615u", "0018446744073709551615u"})
  void unsignedIntegersWithUSuffixAreAccepted(String value) {
    assertEquals(null, valueError(value), value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1u", "-0u", "u", "1.5u", "1_0u"})
  void malformedUnsignedIntegersAreRejected(String value) {
    assertEquals(LineError.BAD_FIELD_VALUE, valueError(value), value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"18446744073709551616u", "99999999999999999999u"})
  void unsignedBeyondUint64AreOutOfRange(String value) {
    assertEquals(LineError.FIELD_VALUE_OUT_OF_RANGE, valueError(value), value);
  }
}
