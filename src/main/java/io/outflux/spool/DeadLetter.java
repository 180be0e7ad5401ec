package io.outflux.spool;

import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * One quarantined line: why, and where it came from. Its JSON form is one line of the dead-letter
 * file: {@code line} holds the original text, or {@code lineBase64} when it is not valid UTF-8.
 *
 * @param stage {@code "validation"} (refused by the tail's scanner), {@code "oversized"} or
 *     {@code "influxdb"} (refused by the central InfluxDB for good)
 * @param file the spool file's name, empty for InfluxDB rejects (a batch spans lines)
 * @param offset the line's byte offset in that file, -1 when unknown
 * @param batch the batch sequence number for InfluxDB rejects, -1 otherwise
 */
public record DeadLetter(Instant time, String stage, String reason, String file, long offset, long batch,
                         byte[] line, boolean truncated) {

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("time", time.toString()).put("stage", stage).put("reason", reason);
    if (!file.isEmpty()) {
      json.put("file", file).put("offset", offset);
    }
    if (batch >= 0) {
      json.put("batch", batch);
    }
    String text = utf8OrNull(line);
    if (text != null) {
      json.put("line", text);
    } else {
      json.put("lineBase64", Base64.getEncoder().encodeToString(line));
    }
    if (truncated) {
      json.put("truncated", true);
    }
    return json;
  }

  private static String utf8OrNull(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
