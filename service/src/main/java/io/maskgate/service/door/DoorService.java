package io.maskgate.service.door;

import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.Ids;
import io.maskgate.protocol.Keys;
import io.maskgate.service.audit.AuditLog;
import io.maskgate.service.broker.BrokerProvisioning;
import io.maskgate.service.security.SecretCipher;
import io.maskgate.service.web.ConflictException;
import io.maskgate.service.web.NotFoundException;
import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Door and policy administration; keeps the registry cache and the audit log in step with the database. */
@Service
public class DoorService {

    /**
     * A created door plus its actuator key and, with broker provisioning on, the actuator's broker username and
     * password; shown exactly once.
     */
    public record CreatedDoor(Door door, String actuatorKey, String brokerUsername, String brokerPassword) {
        @Override
        public String toString() {
            return "CreatedDoor[door=" + door + ", actuatorKey=***, brokerUsername=" + brokerUsername
                    + ", brokerPassword=" + (brokerPassword == null ? null : "***") + "]";
        }
    }

    /** A door's new actuator broker password, shown exactly once. */
    public record ActuatorCredentials(String brokerUsername, String brokerPassword) {
        @Override
        public String toString() {
            return "ActuatorCredentials[brokerUsername=" + brokerUsername + ", brokerPassword=***]";
        }
    }

    private final DoorRepository repository;
    private final DoorRegistry registry;
    private final SecretCipher cipher;
    private final AuditLog audit;
    private final BrokerProvisioning broker;
    private final DoorProperties properties;

    public DoorService(DoorRepository repository, DoorRegistry registry, SecretCipher cipher, AuditLog audit,
                       BrokerProvisioning broker, DoorProperties properties) {
        this.broker = broker;
        this.properties = properties;
        this.repository = repository;
        this.registry = registry;
        this.cipher = cipher;
        this.audit = audit;
    }

    public List<Door> list() {
        return repository.findAll().stream().map(DoorRepository.StoredDoor::door).toList();
    }

    /** The policy a door gets when none is given (maskgate.doors.default-min-score). */
    public DoorPolicy defaultPolicy() {
        return properties.defaultPolicy();
    }

    public Door get(String id) {
        return repository.find(id).map(DoorRepository.StoredDoor::door)
                .orElseThrow(() -> new NotFoundException("door " + id + " not found"));
    }

    @Transactional
    public CreatedDoor create(String actor, String id, String name, DoorPolicy policy) {
        if (!Ids.isValid(id)) {
            throw new IllegalArgumentException("door id must match [A-Za-z0-9_-]{1,64}");
        }
        if (repository.exists(id)) {
            throw new ConflictException("door " + id + " already exists");
        }
        HmacKey key = Keys.generate();
        repository.insert(id, name == null ? id : name, cipher.encrypt(key.bytes(), "door:" + id),
                policy == null ? properties.defaultPolicy() : policy);
        // last, inside the transaction: a provisioning failure rolls the door back (API: 502)
        BrokerProvisioning.Credentials mqtt = broker.enabled() ? broker.createActuator(id) : null;
        audit.record(actor, "DOOR_CREATE", id, "name=" + name + (mqtt == null ? "" : " broker-client=provisioned"));
        registry.refresh(id);
        return new CreatedDoor(get(id), key.toBase64Url(), mqtt == null ? null : mqtt.username(),
                mqtt == null ? null : mqtt.password());
    }

    /** A new broker password for the door's actuator (broker provisioning on only). */
    @Transactional
    public ActuatorCredentials rotateActuatorPassword(String actor, String id) {
        get(id);
        if (!broker.enabled()) {
            throw new IllegalArgumentException("broker provisioning is off (maskgate.mqtt.dynsec.enabled): "
                    + "actuator passwords are managed in the broker's password file");
        }
        BrokerProvisioning.Credentials mqtt = broker.rotate(id);
        audit.record(actor, "DOOR_ROTATE_BROKER_PASSWORD", id, null);
        return new ActuatorCredentials(mqtt.username(), mqtt.password());
    }

    @Transactional
    public Door rename(String actor, String id, String name) {
        if (!repository.rename(id, name)) {
            throw new NotFoundException("door " + id + " not found");
        }
        audit.record(actor, "DOOR_UPDATE", id, "name=" + name);
        registry.refresh(id);
        return get(id);
    }

    @Transactional
    public Door updatePolicy(String actor, String id, DoorPolicy policy) {
        if (!repository.updatePolicy(id, policy)) {
            throw new NotFoundException("door " + id + " not found");
        }
        audit.record(actor, "POLICY_UPDATE", id, policy.toString());
        registry.refresh(id);
        return get(id);
    }

    @Transactional
    public void delete(String actor, String id) {
        if (repository.hasUnits(id)) {
            throw new ConflictException("door " + id + " still has units; delete or move them first");
        }
        if (!repository.delete(id)) {
            throw new NotFoundException("door " + id + " not found");
        }
        if (broker.enabled()) {
            broker.deleteActuator(id);
        }
        audit.record(actor, "DOOR_DELETE", id, null);
        registry.refresh(id);
    }
}
