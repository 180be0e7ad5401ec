package io.outflux.backfill;

import java.io.IOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What {@code SELECT *} cannot say: which of its columns are tags, and each field's type
 * ({@code SHOW TAG KEYS}, {@code SHOW FIELD KEYS}). A field may have several types across shards
 * (a type conflict in an older shard); the JSON value then decides.
 */
public record MeasurementSchema(String measurement, Set<String> tags, Map<String, Set<String>> fieldTypes) {

  public static MeasurementSchema read(InfluxQuery influx, String measurement) throws IOException {
    Set<String> tags = new HashSet<>();
    for (InfluxQuery.Row row : influx.rows("SHOW TAG KEYS FROM " + InfluxQuery.identifier(measurement))) {
      tags.add(row.values().getString(0));
    }
    Map<String, Set<String>> fields = new LinkedHashMap<>();
    for (InfluxQuery.Row row : influx.rows("SHOW FIELD KEYS FROM " + InfluxQuery.identifier(measurement))) {
      fields.computeIfAbsent(row.values().getString(0), k -> new HashSet<>()).add(row.values().getString(1));
    }
    return new MeasurementSchema(measurement, Set.copyOf(tags), Map.copyOf(fields));
  }
}
