package io.maskgate.service.unit;

import java.sql.PreparedStatement;
import java.util.Map;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The durable half of replay protection: {@code units.last_seq}, the highest accepted decision seq per unit, which
 * seeds {@link PersistentSequenceState} at start. Advanced in the same transaction as the decisions' event rows
 * (the event writer calls it), so after a crash it never claims more than the log holds; security state kept
 * apart from the logger that happens to carry it.
 */
@Component
public class SequenceStore {

    /** Every unit of a batch in one statement: with hundreds of units a statement per unit cost more than COPY. */
    private static final String ADVANCE_SEQS = """
            UPDATE units u SET last_seq = GREATEST(u.last_seq, v.seq)
            FROM unnest(?::text[], ?::bigint[]) AS v(unit_id, seq) WHERE u.unit_id = v.unit_id
            """;

    private final JdbcTemplate jdbc;

    public SequenceStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Raises each unit's last_seq to the given seq (never lowers it); call inside the batch's transaction. */
    public void advance(Map<String, Long> maxSeqByUnit) {
        if (maxSeqByUnit.isEmpty()) {
            return;
        }
        String[] ids = maxSeqByUnit.keySet().toArray(String[]::new);
        Long[] seqs = new Long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            seqs[i] = maxSeqByUnit.get(ids[i]);
        }
        jdbc.execute((ConnectionCallback<Integer>) con -> {
            try (PreparedStatement ps = con.prepareStatement(ADVANCE_SEQS)) {
                ps.setArray(1, con.createArrayOf("text", ids));
                ps.setArray(2, con.createArrayOf("bigint", seqs));
                return ps.executeUpdate();
            }
        });
    }
}
