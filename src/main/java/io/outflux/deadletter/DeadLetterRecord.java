package io.outflux.deadletter;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * One record of the dead-letter file as the CLI sees it (the format is written by
 * {@code io.outflux.spool.DeadLetter}, documented in docs/spool.md).
 *
 * @param number its 1-based line number in the dead-letter file (stable: outflux only appends)
 * @param key SHA-256 of the record's text: what the replay marks file remembers
 * @param json the parsed record, empty when the text is not a JSON object (a torn last line)
 */
public record DeadLetterRecord(long number, String key, String text, Optional<JsonObject> json) {

  public static DeadLetterRecord parse(long number, String text) {
    Optional<JsonObject> json;
    try {
      json = Optional.of(new JsonObject(text));
    } catch (DecodeException | ClassCastException e) {
      json = Optional.empty();
    }
    return new DeadLetterRecord(number, sha256(text), text, json);
  }

  public String stage() {
    return json.map(j -> j.getString("stage", "")).orElse("unreadable");
  }

  public String reason() {
    return json.map(j -> j.getString("reason", "")).orElse("not a JSON record: " + text);
  }

  public String time() {
    return json.map(j -> j.getString("time", "")).orElse("");
  }

  public boolean truncated() {
    return json.map(j -> j.getBoolean("truncated", false)).orElse(false);
  }

  /** The quarantined line's bytes, empty when the record holds none (e.g. a count InfluxDB did not name). */
  public byte[] line() {
    if (json.isEmpty()) {
      return new byte[0];
    }
    String text = json.get().getString("line");
    if (text != null) {
      return text.getBytes(StandardCharsets.UTF_8);
    }
    String b64 = json.get().getString("lineBase64");
    if (b64 == null) {
      return new byte[0];
    }
    try {
      return Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      return new byte[0];
    }
  }

  /** Why this record cannot be replayed at all, or empty when it can. */
  public Optional<String> notReplayable() {
    if (json.isEmpty()) {
      return Optional.of("not a JSON record");
    }
    if (truncated()) {
      return Optional.of("only the first bytes of the line were kept (truncated)");
    }
    if (line().length == 0) {
      return Optional.of("the record holds no line (InfluxDB counted it without naming it)");
    }
    return Optional.empty();
  }

  private static String sha256(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }
}
