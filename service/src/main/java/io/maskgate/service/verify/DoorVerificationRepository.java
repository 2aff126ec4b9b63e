package io.maskgate.service.verify;

import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL of door_verification. */
@Repository
public class DoorVerificationRepository {

    private final JdbcClient jdbc;

    public DoorVerificationRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Map<String, DoorVerification> findAll() {
        return jdbc.sql("SELECT door_id, band_low, band_high, deadline_ms FROM door_verification")
                .query((rs, i) -> Map.entry(rs.getString(1), new DoorVerification(rs.getInt(2), rs.getInt(3),
                        rs.getInt(4)))).list().stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    public Optional<DoorVerification> find(String doorId) {
        return jdbc.sql("SELECT band_low, band_high, deadline_ms FROM door_verification WHERE door_id = ?")
                .param(doorId).query((rs, i) -> new DoorVerification(rs.getInt(1), rs.getInt(2), rs.getInt(3)))
                .optional();
    }

    public void upsert(String doorId, DoorVerification v) {
        jdbc.sql("""
                INSERT INTO door_verification (door_id, band_low, band_high, deadline_ms) VALUES (?, ?, ?, ?)
                ON CONFLICT (door_id) DO UPDATE SET band_low = EXCLUDED.band_low, band_high = EXCLUDED.band_high,
                       deadline_ms = EXCLUDED.deadline_ms, updated_at = now()
                """).params(doorId, v.bandLow(), v.bandHigh(), v.deadlineMs()).update();
    }

    public boolean delete(String doorId) {
        return jdbc.sql("DELETE FROM door_verification WHERE door_id = ?").param(doorId).update() == 1;
    }
}
