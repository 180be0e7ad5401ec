package io.outflux.backfill;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Blocking InfluxQL over InfluxDB 1.x's {@code /query} (a CLI runs it, never the event loop).
 * Chunked answers ({@code chunked=true}) are one JSON object per line, each with at most
 * {@code chunk_size} rows, read as they arrive so memory stays one chunk.
 */
public final class InfluxQuery {

  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  private final InfluxSource source;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  public InfluxQuery(InfluxSource source) {
    this.source = source;
  }

  public InfluxSource source() {
    return source;
  }

  /** One row of an answer, with the columns of its series. */
  public record Row(JsonArray columns, JsonArray values) {
  }

  /** All rows of a small (non-chunked) answer. */
  public java.util.List<Row> rows(String influxql) throws IOException {
    java.util.List<Row> all = new java.util.ArrayList<>();
    rows(influxql, null, 0, all::add);
    return all;
  }

  /**
   * Runs {@code influxql} and hands each row to {@code each} as it arrives, chunk by chunk when
   * {@code chunkSize > 0}.
   */
  public void rows(String influxql, String epoch, int chunkSize, Consumer<Row> each) throws IOException {
    StringBuilder q = new StringBuilder("/query?db=").append(enc(source.database())).append("&q=").append(enc(influxql));
    if (epoch != null) {
      q.append("&epoch=").append(epoch);
    }
    if (chunkSize > 0) {
      q.append("&chunked=true&chunk_size=").append(chunkSize);
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(source.url().toString().replaceAll("/+$", "") + q))
        .timeout(TIMEOUT).GET();
    if (!source.username().isEmpty()) {
      String basic = source.username() + ":" + source.password();
      request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
    }
    HttpResponse<Stream<String>> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    try (Stream<String> lines = response.body()) {
      if (response.statusCode() != 200) {
        throw new IOException(source.url() + " answered " + response.statusCode() + " to " + influxql + ": "
            + String.join(" ", lines.limit(5).toList()));
      }
      Iterator<String> it = lines.iterator();
      while (it.hasNext()) {
        String line = it.next();
        if (!line.isBlank()) {
          each(line, influxql).forEach(each);
        }
      }
    } catch (java.io.UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** The whole (small, non-chunked) JSON answer to {@code influxql}; an {@code error} in it stays in it. */
  public JsonObject raw(String influxql, String epoch) throws IOException {
    StringBuilder q = new StringBuilder("/query?db=").append(enc(source.database())).append("&q=").append(enc(influxql));
    if (epoch != null) {
      q.append("&epoch=").append(epoch);
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(source.url().toString().replaceAll("/+$", "") + q))
        .timeout(TIMEOUT).GET();
    if (!source.username().isEmpty()) {
      String basic = source.username() + ":" + source.password();
      request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
    }
    try {
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IOException(source.url() + " answered " + response.statusCode() + " to " + influxql + ": "
            + response.body());
      }
      return new JsonObject(response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (DecodeException e) {
      throw new IOException(source.url() + " sent a non-JSON answer to " + influxql);
    }
  }

  /** The series of one answer object; an {@code error} anywhere in it is an IOException. */
  private java.util.List<Row> each(String line, String influxql) throws IOException {
    JsonObject answer;
    try {
      answer = new JsonObject(line);
    } catch (DecodeException e) {
      throw new IOException(source.url() + " sent a non-JSON answer to " + influxql + ": " + line);
    }
    if (answer.containsKey("error")) {
      throw new IOException(source.url() + ": " + answer.getString("error") + " (" + influxql + ")");
    }
    java.util.List<Row> out = new java.util.ArrayList<>();
    for (Object r : answer.getJsonArray("results", new JsonArray())) {
      JsonObject result = (JsonObject) r;
      if (result.containsKey("error")) {
        throw new IOException(source.url() + ": " + result.getString("error") + " (" + influxql + ")");
      }
      for (Object s : result.getJsonArray("series", new JsonArray())) {
        JsonObject series = (JsonObject) s;
        JsonArray columns = series.getJsonArray("columns");
        for (Object v : series.getJsonArray("values", new JsonArray())) {
          out.add(new Row(columns, (JsonArray) v));
        }
      }
    }
    return out;
  }

  public static String identifier(String name) {
    return "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
