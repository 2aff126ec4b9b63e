package io.maskgate.service.security;

import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/** Service users in app_users (BCrypt hashes), for HTTP Basic. */
@Component
public class UserAccounts implements UserDetailsService {

    /** A user as listed (no hash). */
    public record Account(String username, Role role, boolean enabled) {
    }

    private final JdbcClient jdbc;
    private final PasswordEncoder encoder;

    public UserAccounts(JdbcClient jdbc, PasswordEncoder encoder) {
        this.jdbc = jdbc;
        this.encoder = encoder;
    }

    @Override
    public UserDetails loadUserByUsername(String username) {
        return jdbc.sql("SELECT username, password_hash, role, enabled FROM app_users WHERE username = ?")
                .param(username)
                .query((rs, i) -> User.withUsername(rs.getString(1)).password(rs.getString(2))
                        .roles(rs.getString(3)).disabled(!rs.getBoolean(4)).build())
                .optional()
                .orElseThrow(() -> new UsernameNotFoundException("unknown user"));
    }

    public boolean exists(String username) {
        return jdbc.sql("SELECT count(*) FROM app_users WHERE username = ?").param(username)
                .query(Long.class).single() > 0;
    }

    public boolean anyAdmin() {
        return jdbc.sql("SELECT count(*) FROM app_users WHERE role = 'ADMIN' AND enabled").query(Long.class)
                .single() > 0;
    }

    /** Creates a user; the password must be at least 12 characters. */
    public void create(String username, String password, Role role) {
        if (username == null || !username.matches("[A-Za-z0-9_.@-]{1,64}")) {
            throw new IllegalArgumentException("username must match [A-Za-z0-9_.@-]{1,64}");
        }
        if (password == null || password.length() < 12) {
            throw new IllegalArgumentException("password must be at least 12 characters");
        }
        jdbc.sql("INSERT INTO app_users (username, password_hash, role) VALUES (?, ?, ?)")
                .params(username, encoder.encode(password), role.name()).update();
    }

    public List<Account> list() {
        return jdbc.sql("SELECT username, role, enabled FROM app_users ORDER BY username")
                .query((rs, i) -> new Account(rs.getString(1), Role.valueOf(rs.getString(2)), rs.getBoolean(3)))
                .list();
    }

    public Optional<Account> find(String username) {
        return jdbc.sql("SELECT username, role, enabled FROM app_users WHERE username = ?").param(username)
                .query((rs, i) -> new Account(rs.getString(1), Role.valueOf(rs.getString(2)), rs.getBoolean(3)))
                .optional();
    }

    /** Replaces a user's password (same rule as {@link #create}); false when the user does not exist. */
    public boolean resetPassword(String username, String password) {
        if (password == null || password.length() < 12) {
            throw new IllegalArgumentException("password must be at least 12 characters");
        }
        return jdbc.sql("UPDATE app_users SET password_hash = ? WHERE username = ?")
                .params(encoder.encode(password), username).update() == 1;
    }

    /** Enables or disables a user (a disabled user cannot log in); false when the user does not exist. */
    public boolean setEnabled(String username, boolean enabled) {
        return jdbc.sql("UPDATE app_users SET enabled = ? WHERE username = ?").params(enabled, username)
                .update() == 1;
    }

    public boolean delete(String username) {
        return jdbc.sql("DELETE FROM app_users WHERE username = ?").param(username).update() == 1;
    }
}
