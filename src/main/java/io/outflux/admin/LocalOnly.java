package io.outflux.admin;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Keeps web pages away from the client's admin endpoint. A page the edge user opens can make the
 * browser send requests to 127.0.0.1, with the page's name or a rebound DNS name in {@code Host}
 * and its own origin in {@code Origin}; the outflux CLI, curl and Prometheus send neither. So:
 * only loopback {@code Host} headers ({@code localhost}, {@code 127.x.y.z}, {@code [::1]}), no
 * {@code Origin} header at all, and for anything that changes state ({@code POST}) the token from
 * the file beside the checkpoint ({@link AdminToken}).
 */
final class LocalOnly implements Handler<RoutingContext> {

  private final Supplier<String> token;

  LocalOnly(Supplier<String> token) {
    this.token = token;
  }

  @Override
  public void handle(RoutingContext ctx) {
    var req = ctx.request();
    // authority(): the Host header over HTTP/1.1, :authority over HTTP/2 (Java's client upgrades to h2c)
    var authority = req.authority();
    if (authority == null || !isLoopbackHost(authority.host().contains(":") && !authority.host().startsWith("[")
        ? "[" + authority.host() + "]" : authority.host())) {
      refuse(ctx, 403, "the admin endpoint answers only requests addressed to localhost, 127.0.0.1 or [::1]");
    } else if (req.getHeader("Origin") != null) {
      refuse(ctx, 403, "the admin endpoint does not answer requests from web pages (Origin header present)");
    } else if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD
        && !AdminToken.matches(token.get(), req.getHeader(AdminToken.HEADER))) {
      refuse(ctx, 401, "missing or wrong " + AdminToken.HEADER + " header: send the token from the client's "
          + "<checkpoint>.admin-token file (outflux flush does)");
    } else {
      ctx.next();
    }
  }

  static boolean isLoopbackHost(String host) {
    if (host == null) {
      return false;
    }
    String h = host.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end > 0 && h.substring(1, end).equals("::1") && validPort(h.substring(end + 1));
    }
    int colon = h.indexOf(':');
    String name = colon < 0 ? h : h.substring(0, colon);
    if (colon >= 0 && !validPort(h.substring(colon))) {
      return false;
    }
    if (name.equals("localhost")) {
      return true;
    }
    String[] parts = name.split("\\.", -1);
    if (parts.length != 4 || !parts[0].equals("127")) {
      return false;
    }
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 255) {
        return false;
      }
    }
    return true;
  }

  private static boolean validPort(String rest) {
    return rest.isEmpty() || rest.length() > 1 && rest.length() <= 6 && rest.charAt(0) == ':'
        && rest.substring(1).chars().allMatch(Character::isDigit);
  }

  private static void refuse(RoutingContext ctx, int status, String message) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", message).encode());
  }
}
