package io.outflux.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Captures what a class logs, to assert that the user is told what went wrong. */
public final class LogCapture implements AutoCloseable {

  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  public LogCapture(Class<?> type) {
    this(type.getName());
  }

  /** Captures a logger by name; {@code Logger.ROOT_LOGGER_NAME} captures everything. */
  public LogCapture(String name) {
    logger = (Logger) LoggerFactory.getLogger(name);
    appender.start();
    logger.addAppender(appender);
  }

  /** Every captured event as one text: level, logger, message and any exception with its causes. */
  public String everything() {
    StringBuilder sb = new StringBuilder();
    synchronized (appender.list) {
      for (ILoggingEvent e : appender.list) {
        sb.append(e.getLevel()).append(' ').append(e.getLoggerName()).append(' ').append(e.getFormattedMessage()).append('\n');
        for (var t = e.getThrowableProxy(); t != null; t = t.getCause()) {
          sb.append(t.getClassName()).append(": ").append(t.getMessage()).append('\n');
        }
      }
    }
    return sb.toString();
  }

  public List<String> messages() {
    synchronized (appender.list) {
      return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
  }
}
