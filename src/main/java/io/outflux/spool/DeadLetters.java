package io.outflux.spool;

import java.util.List;

/**
 * A request to the dead-letter file's owner ({@code ClientBus.DEAD_LETTER}): append these records;
 * with {@code sync}, also make everything appended so far durable (fsync). The reply comes once that
 * is done. The tail sends the lines it quarantines while reading, and, before each checkpoint save,
 * an empty one with {@code sync}: the owner handles requests in order, so a checkpoint never passes a
 * line that is neither in the spool nor on disk in the dead-letter file.
 */
public record DeadLetters(List<DeadLetter> letters, boolean sync) {

  /** Nothing to append: make what was appended durable. */
  public static final DeadLetters SYNC = new DeadLetters(List.of(), true);

  public DeadLetters {
    letters = List.copyOf(letters);
  }
}
