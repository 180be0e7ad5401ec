package io.outflux.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.lineprotocol.LineInfo;
import io.outflux.lineprotocol.LineKind;
import io.outflux.lineprotocol.LineScanner;
import io.outflux.lineprotocol.Precision;
import io.outflux.protocol.RejectList;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SiteTagTest {

  private static String tag(String line) {
    return tag("site", "plant-a", line);
  }

  private static String tag(String name, String value, String line) {
    RejectList rejected = new RejectList();
    SiteTag.Result r = new SiteTag(name, value).apply(Buffer.buffer(line + "\n"), Precision.NS, rejected);
    if (r.refused() > 0) {
      return "REFUSED: " + rejected.listed().get(0).reason();
    }
    String out = r.lines().toString();
    assertTrue(out.endsWith("\n"), out);
    return out.substring(0, out.length() - 1);
  }

  @Test
  void aLineWithoutTagsGetsTheSiteTag() {
    assertEquals("cpu,site=plant-a usage=1 1", tag("cpu usage=1 1"));
    assertEquals("cpu,site=plant-a usage=1", tag("cpu usage=1"));
  }

  @Test
  void theSiteTagGoesWhereItSortsAmongTheOthers() {
    assertEquals("cpu,host=gw,site=plant-a,zone=z usage=1 1", tag("cpu,host=gw,zone=z usage=1 1"));
    assertEquals("cpu,a=1,b=2,site=plant-a v=1", tag("cpu,a=1,b=2 v=1"));
    assertEquals("cpu,site=plant-a,t=1,u=2 v=1", tag("cpu,t=1,u=2 v=1"));
    // keys compare as bytes: upper case sorts before lower case
    assertEquals("cpu,Zeta=1,site=plant-a v=1", tag("cpu,Zeta=1 v=1"));
  }

  @Test
  void anUnsortedTagSetComesOutSorted() {
    assertEquals("cpu,a=1,host=gw,site=plant-a,zone=z v=1 5", tag("cpu,zone=z,host=gw,a=1 v=1 5"));
  }

  @Test
  void escapedCommasSpacesAndEqualsInMeasurementAndTagsSurvive() {
    assertEquals("machine\\ state\\,x,host\\ name=gate\\,way\\ 1,site=plant-a,x\\=y=a\\=b v=1 1",
        tag("machine\\ state\\,x,x\\=y=a\\=b,host\\ name=gate\\,way\\ 1 v=1 1"));
    // '=' is allowed unescaped in a measurement
    assertEquals("a=b,site=plant-a v=1", tag("a=b v=1"));
  }

  @Test
  void fieldsWithEqualsSpacesCommasAndQuotesInStringsAreCopiedAsTheyAre() {
    assertEquals("log,site=plant-a msg=\"a=b, c d \\\"q\\\" site=x\",n=1i 7",
        tag("log msg=\"a=b, c d \\\"q\\\" site=x\",n=1i 7"));
  }

  @Test
  void nameAndValueAreEscaped() {
    assertEquals("cpu,my\\ site=Plant\\ A\\,\\=1 v=1", tag("my site", "Plant A,=1", "cpu v=1"));
  }

  @Test
  void aLineAlreadyCarryingTheSameSiteIsKeptAsItIs() {
    assertEquals("cpu,site=plant-a,host=gw v=1 1", tag("cpu,site=plant-a,host=gw v=1 1"));
    assertEquals("cpu,site=Plant\\ A v=1", tag("site", "Plant A", "cpu,site=Plant\\ A v=1"));
  }

  @Test
  void aLineCarryingAnotherSiteIsRefused() {
    String r = tag("cpu,host=gw,site=plant-b v=1 1");
    assertTrue(r.startsWith("REFUSED: " + SiteTag.CONFLICT + ": the line carries site=plant-b but the server "
        + "identifies this client as site=plant-a"), r);
    // the escaped key still names the tag
    assertTrue(tag("my site", "a", "cpu,my\\ site=b v=1").startsWith("REFUSED: "));
    // a similar key does not
    assertEquals("cpu,site=plant-a,sites=b v=1", tag("cpu,sites=b v=1"));
    assertEquals("cpu,sit=b,site=plant-a v=1", tag("cpu,sit=b v=1"));
  }

  @Test
  void aBatchKeepsItsGoodLinesAndListsTheRefusedOnesInOrder() {
    RejectList rejected = new RejectList();
    Buffer body = Buffer.buffer("a v=1 1\nb,site=x v=1 2\nc,site=plant-a v=1 3\nd,site=y v=1 4\ne v=1 5");
    SiteTag.Result r = new SiteTag("site", "plant-a").apply(body, Precision.NS, rejected);
    assertEquals("a,site=plant-a v=1 1\nc,site=plant-a v=1 3\ne,site=plant-a v=1 5\n", r.lines().toString());
    assertEquals(3, r.count());
    assertEquals(2, r.refused());
    assertEquals("b,site=x v=1 2", rejected.listed().get(0).line());
    assertEquals("d,site=y v=1 4", rejected.listed().get(1).line());
  }

  @Test
  void manyRefusedLinesAreCountedNotListed() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      sb.append("m,site=other v=").append(i).append(' ').append(i).append('\n');
    }
    RejectList rejected = new RejectList();
    SiteTag.Result r = new SiteTag("site", "plant-a").apply(Buffer.buffer(sb.toString()), Precision.NS, rejected);
    assertEquals(0, r.count());
    assertEquals(1000, r.refused());
    assertEquals(1000, rejected.total());
    assertTrue(rejected.unlisted() > 0);
  }

  @Test
  void unusableNamesAndValuesAreRefusedUpFront() {
    assertTrue(SiteTag.unusable("").isPresent());
    assertTrue(SiteTag.unusable("a\\").isPresent());
    assertTrue(SiteTag.unusable("a\nb").isPresent());
    assertTrue(SiteTag.unusable("plant a, hall=1").isEmpty());
    assertThrows(IllegalArgumentException.class, () -> new SiteTag("site", "x\\"));
  }

  // ---- model test: random points, rendered by a simple reference, against SiteTag ----

  private record Point(String measurement, Map<String, String> tags, String fields, String time) {
  }

  private static final String ALPHABET = "abcXYZ09_-. ,=\"éü€";

  private static String word(Random rnd, int max) {
    int n = 1 + rnd.nextInt(max);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(ALPHABET.charAt(rnd.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }

  private static String escapeName(String s, boolean measurement) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c == ',' || c == ' ' || (!measurement && c == '=')) {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }

  private static String render(Point p, List<Map.Entry<String, String>> tags) {
    StringBuilder sb = new StringBuilder(escapeName(p.measurement(), true));
    for (Map.Entry<String, String> t : tags) {
      sb.append(',').append(escapeName(t.getKey(), false)).append('=').append(escapeName(t.getValue(), false));
    }
    sb.append(' ').append(p.fields());
    if (p.time() != null) {
      sb.append(' ').append(p.time());
    }
    return sb.toString();
  }

  private static final Comparator<String> BYTES = (a, b) -> {
    byte[] x = a.getBytes(StandardCharsets.UTF_8);
    byte[] y = b.getBytes(StandardCharsets.UTF_8);
    return java.util.Arrays.compareUnsigned(x, y);
  };

  private static Point randomPoint(Random rnd, String siteName) {
    String m = word(rnd, 8);
    if (m.startsWith("#") || m.isBlank() || m.startsWith(" ")) {
      m = "m" + m;
    }
    Map<String, String> tags = new LinkedHashMap<>();
    int n = rnd.nextInt(5);
    for (int i = 0; i < n; i++) {
      tags.put(rnd.nextInt(6) == 0 ? siteName + word(rnd, 2) : word(rnd, 6), word(rnd, 6));
    }
    int kind = rnd.nextInt(10);
    if (kind == 0) {
      tags.put(siteName, "plant a=1,x");
    } else if (kind == 1) {
      tags.put(siteName, word(rnd, 4));
    }
    List<String> keys = new ArrayList<>(tags.keySet());
    java.util.Collections.shuffle(keys, rnd);
    Map<String, String> shuffled = new LinkedHashMap<>();
    keys.forEach(k -> shuffled.put(k, tags.get(k)));
    String fields = escapeName(word(rnd, 5), false) + "=\"" + word(rnd, 10).replace("\"", "\\\"") + "\","
        + "n=" + rnd.nextInt(1000) + "i";
    String time = rnd.nextBoolean() ? Long.toString(rnd.nextLong(1L << 60)) : null;
    return new Point(m, shuffled, fields, time);
  }

  @Test
  void randomLinesMatchTheReference() {
    long seed = System.nanoTime();
    Random rnd = new Random(seed);
    String siteName = "site";
    String value = "plant a=1,x";
    LineScanner scanner = new LineScanner();
    LineInfo info = new LineInfo();
    for (int i = 0; i < 20_000; i++) {
      Point p = randomPoint(rnd, siteName);
      String line = render(p, new ArrayList<>(p.tags().entrySet()));
      byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
      assertEquals(LineKind.POINT, scanner.scan(bytes, 0, bytes.length, info), "seed " + seed + ": " + line);
      String expected;
      String existing = p.tags().get(siteName);
      if (existing == null) {
        List<Map.Entry<String, String>> sorted = new ArrayList<>(p.tags().entrySet());
        sorted.add(Map.entry(siteName, value));
        sorted.sort(Map.Entry.comparingByKey(BYTES));
        expected = render(p, sorted);
      } else if (existing.equals(value)) {
        expected = line;
      } else {
        expected = "REFUSED";
      }
      String actual = tag(siteName, value, line);
      if (actual.startsWith("REFUSED")) {
        actual = "REFUSED";
      }
      assertEquals(expected, actual, "seed " + seed + ", line " + line);
      if (!actual.equals("REFUSED")) {
        byte[] out = actual.getBytes(StandardCharsets.UTF_8);
        assertEquals(LineKind.POINT, scanner.scan(out, 0, out.length, info), "seed " + seed + ": " + actual);
      }
    }
  }
}
