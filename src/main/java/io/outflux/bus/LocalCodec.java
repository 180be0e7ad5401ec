package io.outflux.bus;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes an immutable in-JVM message by reference. Messages between the verticles of one process
 * never need a copy or JSON round trip; sending one of these types to another cluster node fails
 * loudly instead of silently serialising.
 */
public final class LocalCodec<T> implements MessageCodec<T, T> {

  private final Class<T> type;

  private LocalCodec(Class<T> type) {
    this.type = type;
  }

  /** Registers the codec as the default for {@code type}; idempotent per Vert.x instance. */
  public static <T> void register(Vertx vertx, Class<T> type) {
    try {
      vertx.eventBus().registerDefaultCodec(type, new LocalCodec<>(type));
    } catch (IllegalStateException alreadyRegistered) {
      // several root verticles in one Vert.x (tests, -instances N) share the codec
    }
  }

  /** Registers the codec for every record of a sealed message type (the bus looks codecs up by class). */
  public static void registerSealed(Vertx vertx, Class<?> sealedType) {
    for (Class<?> sub : sealedType.getPermittedSubclasses()) {
      register(vertx, sub);
    }
  }

  @Override
  public void encodeToWire(Buffer buffer, T t) {
    throw new UnsupportedOperationException(type.getSimpleName() + " is a local-only event-bus message");
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    throw new UnsupportedOperationException(type.getSimpleName() + " is a local-only event-bus message");
  }

  @Override
  public T transform(T t) {
    return t;
  }

  @Override
  public String name() {
    return "outflux-local-" + type.getName();
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
