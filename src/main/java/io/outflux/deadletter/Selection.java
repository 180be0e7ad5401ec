package io.outflux.deadletter;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which dead-letter records a command applies to: record numbers (as {@code list} prints them),
 * a case-insensitive substring of the reason, a stage; all given criteria must hold.
 */
public record Selection(Set<Long> numbers, Optional<String> reason, Optional<String> stage, boolean all) {

  public static Selection everything() {
    return new Selection(Set.of(), Optional.empty(), Optional.empty(), true);
  }

  /** Replay needs an explicit choice: a record number, a filter or {@code --all}. */
  public boolean explicit() {
    return all || !numbers.isEmpty() || reason.isPresent() || stage.isPresent();
  }

  public boolean matches(DeadLetterRecord r) {
    if (!numbers.isEmpty() && !numbers.contains(r.number())) {
      return false;
    }
    if (reason.isPresent() && !r.reason().toLowerCase(Locale.ROOT).contains(reason.get().toLowerCase(Locale.ROOT))) {
      return false;
    }
    return stage.isEmpty() || stage.get().equalsIgnoreCase(r.stage());
  }
}
