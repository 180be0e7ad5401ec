package io.outflux.backfill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RowEncoderTest {

  private final MeasurementSchema schema = new MeasurementSchema("cpu load", Set.of("host", "dc"),
      Map.of("f", Set.of("float"), "i", Set.of("integer"), "b", Set.of("boolean"), "s", Set.of("string"),
          "u", Set.of("unsigned")));
  private final RowEncoder encoder = new RowEncoder(schema);
  private final JsonArray columns = new JsonArray("[\"time\",\"b\",\"dc\",\"f\",\"host\",\"i\",\"s\",\"u\"]");

  private String encode(String values) {
    return encoder.encode(columns, new JsonArray(values)).orElse("<none>");
  }

  @Test
  void everyFieldTypeComesBackWithItsLineProtocolSyntax() {
    assertEquals("cpu\\ load,dc=eu\\,1,host=a\\ b b=true,f=1.5,i=42i,s=\"say \\\"hi\\\" \\\\o/\",u=7u 1700000000000000001",
        encode("[1700000000000000001,true,\"eu,1\",1.5,\"a b\",42,\"say \\\"hi\\\" \\\\o/\",7]"));
  }

  @Test
  void anIntegralFloatStaysAFloatAndNullColumnsAreLeftOut() {
    assertEquals("cpu\\ load f=2 5", encode("[5,null,null,2,null,null,null,null]"));
    assertEquals("cpu\\ load f=0.000001,i=-9223372036854775808i 6", encode("[6,null,null,1.0E-6,null,-9223372036854775808,null,null]"));
    String big = encode("[7,null,null,1e23,null,null,null,null]");
    assertEquals(1e23, Double.parseDouble(big.substring("cpu\\ load f=".length(), big.length() - 2)), "parses back to the same double");
  }

  @Test
  void aStringWithANewlineCannotBeASpoolLine() {
    assertTrue(encoder.encode(columns, new JsonArray("[8,null,null,null,null,null,\"a\\nb\",null]")).isEmpty());
  }

  @Test
  void keysWithEqualsSignsAreEscaped() {
    RowEncoder e = new RowEncoder(new MeasurementSchema("m,x", Set.of("k=1"), Map.of("f=2", Set.of("integer"))));
    assertEquals("m\\,x,k\\=1=v\\=w f\\=2=1i 9",
        e.encode(new JsonArray("[\"time\",\"f=2\",\"k=1\"]"), new JsonArray("[9,1,\"v=w\"]")).orElseThrow());
  }
}
