package io.outflux.launch;

import io.outflux.client.ClientConfig;
import io.outflux.client.ClientVerticle;
import io.outflux.server.ServerConfig;
import io.outflux.server.ServerVerticle;
import io.vertx.core.Deployable;
import io.outflux.config.EnvCheck;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/** The short verticle names the launcher accepts ({@code client}, {@code server}) and their config checks. */
public enum Roles {
  CLIENT(ClientVerticle.class, ClientVerticle::new, ClientConfig::parse),
  SERVER(ServerVerticle.class, ServerVerticle::new, ServerConfig::parse);

  private final Class<? extends Deployable> type;
  private final Supplier<? extends Deployable> factory;
  private final BiFunction<JsonObject, Map<String, String>, Object> validator;

  Roles(Class<? extends Deployable> type, Supplier<? extends Deployable> factory,
        BiFunction<JsonObject, Map<String, String>, Object> validator) {
    this.type = type;
    this.factory = factory;
    this.validator = validator;
  }

  public String shortName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public Deployable create() {
    return factory.get();
  }

  /**
   * Parses the config as the verticle will at deploy: throws a ConfigException naming the key.
   *
   * @return warnings: {@code OUTFLUX_<ROLE>_*} environment variables that set no key
   */
  public List<String> validate(JsonObject config, Map<String, String> env) {
    EnvCheck.Recording recording = EnvCheck.recording(env);
    validator.apply(config, recording);
    return EnvCheck.unknown(shortName(), env, recording.asked());
  }

  /** The typed config ({@link ClientConfig} or {@link ServerConfig}); throws a ConfigException naming the key. */
  public Object parse(JsonObject config, Map<String, String> env) {
    return validator.apply(config, env);
  }

  /** Finds a role by short name or by its verticle's class name. */
  public static Optional<Roles> find(String name) {
    for (Roles r : values()) {
      if (r.shortName().equals(name) || r.type.getName().equals(name)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
