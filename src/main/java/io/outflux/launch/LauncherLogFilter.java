package io.outflux.launch;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Keeps the Vert.x launcher's stack traces ("Failed in deploying verticle" and its 20 frames) out of
 * a start-up failure: {@link Main} prints one line naming the address, file or key instead. With
 * {@code --debug} (system property {@value Main#DEBUG_PROPERTY}) or a DEBUG/TRACE log level they are
 * shown as before. Configured in logback.xml and logback-json.xml.
 */
public final class LauncherLogFilter extends TurboFilter {

  static final String LAUNCHER_LOGGER = "io.vertx.launcher.application";

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (t == null || level == null || !level.isGreaterOrEqual(Level.ERROR) || !logger.getName().startsWith(LAUNCHER_LOGGER)) {
      return FilterReply.NEUTRAL;
    }
    if (Boolean.getBoolean(Main.DEBUG_PROPERTY) || logger.getEffectiveLevel().toInt() <= Level.DEBUG.toInt()) {
      return FilterReply.NEUTRAL;
    }
    return FilterReply.DENY;
  }
}
