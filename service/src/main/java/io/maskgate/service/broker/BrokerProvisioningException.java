package io.maskgate.service.broker;

/**
 * A unit's or actuator's broker client could not be created, changed or removed (broker unreachable, no answer,
 * or a dynamic-security error). The admin change that needed it is rolled back; the API answers 502.
 */
public class BrokerProvisioningException extends RuntimeException {

    private final String reason;

    public BrokerProvisioningException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** Metric reason: unreachable, timeout, refused or dynsec_error. */
    public String reason() {
        return reason;
    }
}
