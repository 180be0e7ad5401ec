package io.outflux.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outflux.influxd.Privilege;
import io.outflux.lineprotocol.LineInfo;
import io.outflux.lineprotocol.LineKind;
import io.outflux.lineprotocol.LineScanner;
import io.outflux.lineprotocol.Newlines;
import io.outflux.testing.CentralInflux;
import io.outflux.testing.LineMutator;
import io.outflux.testing.ServerFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Thousands of generated hostile batches (seeded, reproducible) into a running server backed by a
 * real influxd: the server answers every one without a 5xx, accounts for every line, and the
 * central InfluxDB is still up at the end.
 */
@ExtendWith(VertxExtension.class)
class BatchEndpointFuzzIT {

  private static final long SEED = 424242L;
  @RegisterExtension
  static final CentralInflux central = CentralInflux.perTestClass();

  @BeforeAll
  static void start() {
    central.influxd.createDatabase("fuzz");
    central.influxd.grant(Privilege.WRITE, "fuzz", CentralInflux.WRITER);
  }

  @Test
  void generatedBatchesNeverBreakTheServerOrInfluxDb(Vertx vertx) throws Exception {
    int port = ServerFixture.deploy(vertx, central.influxd.url(), new JsonObject());
    HttpClient http = HttpClient.newHttpClient();
    String auth = "Basic " + Base64.getEncoder().encodeToString(
        (CentralInflux.WRITER + ":" + CentralInflux.WRITER_PASSWORD).getBytes(StandardCharsets.UTF_8));
    LineMutator mutator = new LineMutator(SEED);
    LineScanner scanner = new LineScanner();
    LineInfo info = new LineInfo();
    long totalWritten = 0;
    for (int i = 0; i < 2_000; i++) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      int n = 1 + (i % 5);
      for (int l = 0; l < n; l++) {
        body.writeBytes(mutator.next());
        body.write('\n');
      }
      byte[] bytes = body.toByteArray();
      int candidates = countNonBlank(bytes, scanner, info);
      HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/batches?db=fuzz"))
          .header("Authorization", auth).header("Outflux-Client-Id", "fuzz").header("Outflux-Seq", Integer.toString(i))
          .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
      HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
      assertTrue(r.statusCode() < 500, "seed " + SEED + ", batch " + i + ": " + r.statusCode() + " " + r.body());
      if (r.statusCode() == 200) {
        JsonObject reply = new JsonObject(r.body());
        long written = reply.getLong("written");
        int rejected = reply.getJsonArray("rejected").size();
        assertTrue(written + rejected <= candidates && written + rejected > 0 || candidates == 0,
            "batch " + i + ": " + written + " written + " + rejected + " rejected of " + candidates + " lines: " + r.body());
        totalWritten += written;
      }
      assertTrue(central.influxd.isAlive(), "influxd died at batch " + i);
    }
    assertEquals(204, central.influxd.anonymousClient().ping());
    assertTrue(totalWritten > 100, "some generated lines were valid and stored: " + totalWritten);
  }

  /** Lines that are not blank or comments: each is either written or rejected. */
  private static int countNonBlank(byte[] b, LineScanner scanner, LineInfo info) {
    int count = 0;
    for (int pos = 0; pos < b.length; ) {
      int nl = Newlines.indexOf(b, pos, b.length);
      int end = nl < 0 ? b.length : nl;
      if (scanner.scan(b, pos, end, info) != LineKind.SKIP) {
        count++;
      }
      pos = nl < 0 ? b.length : nl + 1;
    }
    return count;
  }
}
