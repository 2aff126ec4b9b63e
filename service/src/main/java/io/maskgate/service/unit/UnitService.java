package io.maskgate.service.unit;

import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.Ids;
import io.maskgate.protocol.Keys;
import io.maskgate.service.audit.AuditLog;
import io.maskgate.service.broker.BrokerProvisioning;
import io.maskgate.service.door.DoorRepository;
import io.maskgate.service.security.SecretCipher;
import io.maskgate.service.web.ConflictException;
import io.maskgate.service.web.NotFoundException;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Unit registration and administration. A unit's HMAC key is generated here, returned exactly once, and stored
 * only encrypted under the master key.
 */
@Service
public class UnitService {

    /**
     * A registered unit plus its secret (HMAC key) and, with broker provisioning on, its broker username and
     * password; both shown exactly once.
     */
    public record RegisteredUnit(Unit unit, String secret, String brokerUsername, String brokerPassword) {
        @Override
        public String toString() {
            return "RegisteredUnit[unit=" + unit + ", secret=***, brokerUsername=" + brokerUsername
                    + ", brokerPassword=" + (brokerPassword == null ? null : "***") + "]";
        }
    }

    private final UnitRepository repository;
    private final DoorRepository doors;
    private final UnitRegistry registry;
    private final PersistentSequenceState sequences;
    private final SecretCipher cipher;
    private final AuditLog audit;
    private final JdbcClient jdbc;
    private final BrokerProvisioning broker;

    public UnitService(UnitRepository repository, DoorRepository doors, UnitRegistry registry,
                       PersistentSequenceState sequences, SecretCipher cipher, AuditLog audit, JdbcClient jdbc,
                       BrokerProvisioning broker) {
        this.broker = broker;
        this.repository = repository;
        this.doors = doors;
        this.registry = registry;
        this.sequences = sequences;
        this.cipher = cipher;
        this.audit = audit;
        this.jdbc = jdbc;
    }

    public List<Unit> list() {
        return repository.findAll().stream().map(UnitRepository.StoredUnit::unit).toList();
    }

    public Unit get(String id) {
        return repository.find(id).map(UnitRepository.StoredUnit::unit)
                .orElseThrow(() -> new NotFoundException("unit " + id + " not found"));
    }

    @Transactional
    public RegisteredUnit register(String actor, String id, String name, String doorId, boolean enabled) {
        if (!Ids.isValid(id)) {
            throw new IllegalArgumentException("unit id must match [A-Za-z0-9_-]{1,64}");
        }
        requireDoor(doorId);
        if (repository.exists(id)) {
            throw new ConflictException("unit " + id + " already exists");
        }
        HmacKey key = Keys.generate();
        repository.insert(id, name == null ? id : name, doorId, enabled, cipher.encrypt(key.bytes(), "unit:" + id));
        // last, inside the transaction: a provisioning failure rolls the registration back (API: 502)
        BrokerProvisioning.Credentials mqtt = broker.enabled() ? broker.createUnit(id, enabled) : null;
        audit.record(actor, "UNIT_REGISTER", id, "door=" + doorId + " enabled=" + enabled
                + (mqtt == null ? "" : " broker-client=provisioned"));
        registry.refresh(id);
        return new RegisteredUnit(get(id), key.toBase64Url(), mqtt == null ? null : mqtt.username(),
                mqtt == null ? null : mqtt.password());
    }

    @Transactional
    public Unit update(String actor, String id, String name, String doorId, boolean enabled) {
        requireDoor(doorId);
        boolean wasEnabled = get(id).enabled();
        if (!repository.update(id, name, doorId, enabled)) {
            throw new NotFoundException("unit " + id + " not found");
        }
        if (broker.enabled() && wasEnabled != enabled) {
            broker.setEnabled(id, enabled); // disabling also disconnects the unit from the broker
        }
        audit.record(actor, "UNIT_UPDATE", id, "name=" + name + " door=" + doorId + " enabled=" + enabled);
        registry.refresh(id);
        return get(id);
    }

    @Transactional
    public RegisteredUnit rotateSecret(String actor, String id) {
        HmacKey key = Keys.generate();
        if (!repository.replaceKey(id, cipher.encrypt(key.bytes(), "unit:" + id))) {
            throw new NotFoundException("unit " + id + " not found");
        }
        BrokerProvisioning.Credentials mqtt = broker.enabled() ? broker.rotate(id) : null;
        audit.record(actor, "UNIT_ROTATE_SECRET", id, mqtt == null ? null : "broker password rotated");
        registry.refresh(id);
        return new RegisteredUnit(get(id), key.toBase64Url(), mqtt == null ? null : mqtt.username(),
                mqtt == null ? null : mqtt.password());
    }

    @Transactional
    public void delete(String actor, String id) {
        if (!repository.delete(id)) {
            throw new NotFoundException("unit " + id + " not found");
        }
        jdbc.sql("DELETE FROM decision_receipts WHERE unit_id = ?").param(id).update();
        if (broker.enabled()) {
            broker.deleteUnit(id);
        }
        audit.record(actor, "UNIT_DELETE", id, null);
        registry.refresh(id);
        sequences.forget(id);
    }

    private void requireDoor(String doorId) {
        if (doorId == null || !doors.exists(doorId)) {
            throw new IllegalArgumentException("door " + doorId + " does not exist");
        }
    }
}
