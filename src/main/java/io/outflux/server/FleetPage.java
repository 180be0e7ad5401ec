package io.outflux.server;

import io.outflux.protocol.WireProtocol;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The fleet page: static files from the jar ({@code webroot/fleet/}: HTML, CSS, plain JS, nothing
 * fetched from elsewhere) at {@value #PATH}; the page itself polls {@link WireProtocol#CLIENTS_PATH}.
 * {@code /} and {@code /fleet} redirect to it. A strict Content-Security-Policy keeps the page to
 * its own files: client ids are shown as text, and even a bug that let one become markup could
 * not load or run a script.
 */
final class FleetPage {

  static final String PATH = "/fleet/";
  static final String WEBROOT = "webroot/fleet";
  private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
      + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private FleetPage() {
  }

  static void mount(Router router) {
    router.get("/").handler(FleetPage::redirect);
    router.get("/fleet").handler(FleetPage::redirect);
    router.get(PATH + "*")
        .handler(ctx -> {
          ctx.response()
              .putHeader("Content-Security-Policy", CSP)
              .putHeader("X-Content-Type-Options", "nosniff")
              .putHeader("Referrer-Policy", "no-referrer");
          ctx.next();
        })
        .handler(StaticHandler.create(WEBROOT)
            .setDirectoryListing(false)
            // small files that change with the jar: revalidate rather than serve a stale page after an upgrade
            .setMaxAgeSeconds(60)
            .setIndexPage("index.html"));
  }

  private static void redirect(RoutingContext ctx) {
    String path = ctx.request().path();
    if (!"/".equals(path) && !"/fleet".equals(path)) {
      ctx.next(); // Vert.x Web lets a route for "/fleet" also match "/fleet/"
      return;
    }
    ctx.response().setStatusCode(302).putHeader("Location", PATH).end();
  }
}
