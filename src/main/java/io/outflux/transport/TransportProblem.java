package io.outflux.transport;

/**
 * Published by the transport whenever an attempt failed, so that a waiting flush can say why.
 *
 * @param reason what went wrong, safe to show (no secrets)
 * @param blocked true when the transport stopped sending until an operator acts (credentials refused):
 *     a flush cannot succeed and fails at once with this reason
 */
public record TransportProblem(String reason, boolean blocked) {
}
