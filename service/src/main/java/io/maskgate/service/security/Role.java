package io.maskgate.service.security;

/** ADMIN configures doors, policies and units; OPERATOR monitors and issues manual door commands. */
public enum Role {
    ADMIN,
    OPERATOR
}
