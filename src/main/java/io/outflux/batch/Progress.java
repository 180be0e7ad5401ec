package io.outflux.batch;

/**
 * What the client reports about itself with a batch (shown in the server's fleet view): how much is
 * not yet stored centrally and how long the oldest of it has been waiting.
 *
 * @param backlogBytes spool bytes not yet acknowledged (read or not)
 * @param backlogLines lines read but not yet acknowledged (lines not read yet are not counted)
 * @param lagSeconds age of the oldest line read but not yet acknowledged; 0 when nothing waits
 */
public record Progress(long backlogBytes, long backlogLines, double lagSeconds) {

  public static final Progress NONE = new Progress(0, 0, 0);
}
