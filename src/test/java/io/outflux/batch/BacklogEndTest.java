package io.outflux.batch;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BacklogEndTest {

  @Test
  void linesAtTheSpoolsEndAreDueOnlyAfterABatchLeftAtTheLimits() {
    BacklogEnd end = new BacklogEnd();
    end.accepted(true);
    assertFalse(end.due(), "a quiet spool read to its end: the rule decides");
    end.sent(true);
    end.accepted(false);
    assertFalse(end.due(), "more is waiting in the spool: the next chunk may still fill the batch");
    end.accepted(true);
    assertTrue(end.due(), "a backlog read to its end: its last lines go now");
    end.sent(false);
    assertFalse(end.due(), "sent");
    end.accepted(true);
    assertFalse(end.due(), "after a partial batch the rule's timing holds again");
  }
}
