package io.maskgate.service.unit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for units. */
@Repository
public class UnitRepository {

    private static final String SELECT =
            "SELECT unit_id, name, door_id, enabled, last_seq, created_at, key_enc FROM units";

    private final JdbcClient jdbc;

    public UnitRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A unit row with its sealed key. */
    public record StoredUnit(Unit unit, byte[] keyEnc) {
    }

    public List<StoredUnit> findAll() {
        return jdbc.sql(SELECT + " ORDER BY unit_id").query(UnitRepository::map).list();
    }

    public Optional<StoredUnit> find(String id) {
        return jdbc.sql(SELECT + " WHERE unit_id = ?").param(id).query(UnitRepository::map).optional();
    }

    public boolean exists(String id) {
        return jdbc.sql("SELECT count(*) FROM units WHERE unit_id = ?").param(id).query(Long.class).single() > 0;
    }

    public void insert(String id, String name, String doorId, boolean enabled, byte[] keyEnc) {
        jdbc.sql("INSERT INTO units (unit_id, name, door_id, enabled, key_enc) VALUES (?, ?, ?, ?, ?)")
                .params(id, name, doorId, enabled, keyEnc).update();
    }

    public boolean update(String id, String name, String doorId, boolean enabled) {
        return jdbc.sql("UPDATE units SET name = ?, door_id = ?, enabled = ?, updated_at = now() WHERE unit_id = ?")
                .params(name, doorId, enabled, id).update() == 1;
    }

    public boolean replaceKey(String id, byte[] keyEnc) {
        return jdbc.sql("UPDATE units SET key_enc = ?, updated_at = now() WHERE unit_id = ?")
                .params(keyEnc, id).update() == 1;
    }

    public boolean delete(String id) {
        return jdbc.sql("DELETE FROM units WHERE unit_id = ?").param(id).update() == 1;
    }

    private static StoredUnit map(ResultSet rs, int row) throws SQLException {
        Unit unit = new Unit(rs.getString("unit_id"), rs.getString("name"), rs.getString("door_id"),
                rs.getBoolean("enabled"), rs.getLong("last_seq"), rs.getTimestamp("created_at").toInstant());
        return new StoredUnit(unit, rs.getBytes("key_enc"));
    }
}
