package io.outflux.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CredentialsTest {

  @Test
  void basicRoundTripsThroughTheAuthorizationHeader() {
    Credentials c = new Credentials.Basic("telegraf", "s3:cret");
    assertEquals(c, Credentials.fromAuthorizationHeader(c.authorizationHeader()).orElseThrow());
  }

  @Test
  void secretsNeverAppearInToStringOrPrincipal() {
    Credentials basic = new Credentials.Basic("telegraf", "hunter2");
    Credentials token = new Credentials.Token("supersecrettokenvalue");
    assertFalse(basic.toString().contains("hunter2"));
    assertFalse(basic.principal().contains("hunter2"));
    assertFalse(token.toString().contains("supersecret"));
    assertFalse(token.principal().contains("supersecret"));
  }

  @Test
  void fingerprintDependsOnSaltAndSecret() {
    byte[] salt = {1, 2, 3};
    Credentials a = new Credentials.Basic("u", "p1");
    assertEquals(a.fingerprint(salt), new Credentials.Basic("u", "p1").fingerprint(salt));
    assertNotEquals(a.fingerprint(salt), new Credentials.Basic("u", "p2").fingerprint(salt));
    assertNotEquals(a.fingerprint(salt), a.fingerprint(new byte[] {9}));
  }

  @Test
  void garbageHeadersAreNotCredentials() {
    assertTrue(Credentials.fromAuthorizationHeader(null).isEmpty());
    assertTrue(Credentials.fromAuthorizationHeader("Basic !!!").isEmpty());
    assertTrue(Credentials.fromAuthorizationHeader("Bearer x").isEmpty());
    assertTrue(Credentials.fromAuthorizationHeader("Basic dXNlcg==").isEmpty(), "no colon");
  }
}
