package io.maskgate.service.security;

import io.maskgate.service.config.MaskGateProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * Creates the first ADMIN from MASKGATE_ADMIN_USER / MASKGATE_ADMIN_PASSWORD at start, when both are set and the
 * user does not exist yet (an existing user's password is never changed from the environment).
 */
@Component
class FirstAdmin implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(FirstAdmin.class);

    private final UserAccounts accounts;
    private final MaskGateProperties.Security security;

    FirstAdmin(UserAccounts accounts, MaskGateProperties properties) {
        this.accounts = accounts;
        this.security = properties.security();
    }

    @Override
    public void run(ApplicationArguments args) {
        String user = security.adminUser();
        if (!StringUtils.hasText(user)) {
            if (!accounts.anyAdmin()) {
                log.warn("No ADMIN user exists. Create one: MASKGATE_ADMIN_USER + MASKGATE_ADMIN_PASSWORD, or "
                        + "`./maskgate admin create --username NAME` (or run with --spring.profiles.active=demo)");
            }
            return;
        }
        if (accounts.exists(user)) {
            return;
        }
        if (!StringUtils.hasText(security.adminPassword())) {
            throw new IllegalStateException("MASKGATE_ADMIN_USER is set but MASKGATE_ADMIN_PASSWORD is not");
        }
        accounts.create(user, security.adminPassword(), Role.ADMIN);
        log.info("Created ADMIN user '{}' from the environment", user);
    }
}
