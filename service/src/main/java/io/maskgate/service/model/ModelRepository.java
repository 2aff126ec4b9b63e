package io.maskgate.service.model;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for model versions; the artifact columns are immutable (database trigger). */
@Repository
public class ModelRepository {

    private static final String SELECT = "SELECT version, sha256, size_bytes, status, accuracy, labels, created_at, "
            + "created_by, status_reason, float_zip IS NOT NULL AS has_float, manifest FROM model_versions";

    private final JdbcClient jdbc;

    public ModelRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public boolean exists(String version) {
        return jdbc.sql("SELECT count(*) FROM model_versions WHERE version = ?").param(version).query(Long.class)
                .single() > 0;
    }

    public void insert(String version, String sha256, byte[] tflite, byte[] floatZip, String floatSha256,
                       String labels, String card, ModelStatus status, String report, Double accuracy,
                       String manifest, String actor) {
        jdbc.sql("INSERT INTO model_versions (version, sha256, size_bytes, tflite, float_zip, float_sha256, labels, "
                        + "model_card, status, gate_report, accuracy, manifest, created_by) "
                        + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")
                .params(version, sha256, tflite.length, tflite, floatZip, floatSha256, labels, card, status.name(),
                        report, accuracy, manifest, actor)
                .update();
    }

    /** The version's manifest as signed by the given fleet public key, if it was signed again (see V55). */
    public Optional<String> resignedManifest(String version, String fleetKey) {
        return jdbc.sql("SELECT manifest FROM model_manifest_signatures WHERE version = ? AND fleet_key = ?")
                .params(version, fleetKey).query(String.class).optional();
    }

    /** Stores a manifest signed again by another fleet key; the first one stored for a key wins. */
    public void insertResignedManifest(String version, String fleetKey, String manifest) {
        jdbc.sql("INSERT INTO model_manifest_signatures (version, fleet_key, manifest) VALUES (?,?,?) "
                + "ON CONFLICT (version, fleet_key) DO NOTHING").params(version, fleetKey, manifest).update();
    }

    /** A version's float SavedModel zip and its stored SHA-256 (null for rows stored without one). */
    public record FloatZip(byte[] zip, String sha256) {
    }

    /** The float model zip of a version, when the version exists and has one. */
    public Optional<FloatZip> floatZip(String version) {
        return jdbc.sql("SELECT float_zip, float_sha256 FROM model_versions WHERE version = ? AND float_zip IS NOT NULL")
                .param(version).query((rs, i) -> new FloatZip(rs.getBytes(1), rs.getString(2))).optional();
    }

    public List<ModelVersion> findAll() {
        return jdbc.sql(SELECT + " ORDER BY created_at DESC, version").query(ModelRepository::map).list();
    }

    public Optional<ModelVersion> find(String version) {
        return jdbc.sql(SELECT + " WHERE version = ?").param(version).query(ModelRepository::map).optional();
    }

    public Optional<byte[]> tflite(String version) {
        return jdbc.sql("SELECT tflite FROM model_versions WHERE version = ?").param(version)
                .query((rs, i) -> rs.getBytes(1)).optional();
    }

    public Optional<String> report(String version) {
        return jdbc.sql("SELECT gate_report FROM model_versions WHERE version = ?").param(version)
                .query(String.class).optional();
    }

    public boolean updateStatus(String version, ModelStatus from, ModelStatus to, String reason) {
        return jdbc.sql("UPDATE model_versions SET status = ?, status_reason = ?, updated_at = now() "
                        + "WHERE version = ? AND status = ?")
                .params(to.name(), reason, version, from.name()).update() == 1;
    }

    /** The newest READY version other than {@code except}, if any. */
    public Optional<ModelVersion> newestReady(String except) {
        return jdbc.sql(SELECT + " WHERE status = 'READY' AND version <> ? ORDER BY created_at DESC LIMIT 1")
                .param(except == null ? "" : except).query(ModelRepository::map).optional();
    }

    private static ModelVersion map(ResultSet rs, int row) throws SQLException {
        double acc = rs.getDouble("accuracy");
        return new ModelVersion(rs.getString("version"), rs.getString("sha256"), rs.getLong("size_bytes"),
                ModelStatus.valueOf(rs.getString("status")), rs.wasNull() ? null : acc, rs.getString("labels"),
                rs.getTimestamp("created_at").toInstant(), rs.getString("created_by"),
                rs.getString("status_reason"), rs.getBoolean("has_float"), rs.getString("manifest"));
    }
}
