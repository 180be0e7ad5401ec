package io.outflux.launch;

import io.vertx.core.Deployable;
import io.vertx.core.Promise;
import io.vertx.core.spi.VerticleFactory;
import java.util.concurrent.Callable;

/**
 * Resolves {@code outflux:client} and {@code outflux:server} (the jar's manifest makes "outflux" the
 * default factory, so {@code java -jar outflux.jar server} works); any other name is a class name.
 */
public final class OutfluxVerticleFactory implements VerticleFactory {

  public static final String PREFIX = "outflux";

  @Override
  public String prefix() {
    return PREFIX;
  }

  @Override
  public void createVerticle2(String verticleName, ClassLoader classLoader,
                              Promise<Callable<? extends Deployable>> promise) {
    String name = VerticleFactory.removePrefix(verticleName);
    var role = Roles.find(name);
    if (role.isPresent()) {
      promise.complete(role.get()::create);
      return;
    }
    try {
      Class<?> type = classLoader.loadClass(name);
      if (!Deployable.class.isAssignableFrom(type)) {
        promise.fail("\"" + name + "\" is not a verticle; use client or server");
        return;
      }
      promise.complete(() -> (Deployable) type.getDeclaredConstructor().newInstance());
    } catch (ClassNotFoundException e) {
      promise.fail("unknown verticle \"" + name + "\"; use client or server");
    }
  }
}
