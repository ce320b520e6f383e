package io.remediator.web;

/** What a caller must present in its Authorization header. */
public interface Credentials {
    /** True when the header carries them; compared in constant time. */
    boolean matches(String authorizationHeader);

    /** The WWW-Authenticate challenge for a 401. */
    String challenge();
}
