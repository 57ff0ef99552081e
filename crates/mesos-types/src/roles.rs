//! Role names and the role hierarchy.
//!
//! A role is `*` (the default role; nothing can be reserved for it) or a `/`-separated path of
//! components such as `eng/web/api`. Resources reserved for a role may be offered to that role
//! and to its sub-roles, and reservation refinements must move to a strict sub-role, so the
//! allocator and the reservation validation both lean on the helpers here.

use thiserror::Error;

/// The default role, also the reservation role of unreserved resources.
pub const DEFAULT_ROLE: &str = "*";

/// Why a role name is invalid (operator-api §7.1).
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum RoleError {
    /// The empty string.
    #[error("role name must not be empty")]
    Empty,
    /// `/a`.
    #[error("role '{0}' must not start with '/'")]
    LeadingSlash(String),
    /// `a/`.
    #[error("role '{0}' must not end with '/'")]
    TrailingSlash(String),
    /// `a//b`.
    #[error("role '{0}' must not contain '//'")]
    EmptyComponent(String),
    /// A component that is `.`, `..` or `*` (a lone `*` is the valid default role).
    #[error("role '{role}' must not contain the component '{component}'")]
    ReservedComponent {
        /// The whole role.
        role: String,
        /// The offending component.
        component: String,
    },
    /// A component starting with `-`.
    #[error("role '{role}' has a component starting with '-': '{component}'")]
    LeadingDash {
        /// The whole role.
        role: String,
        /// The offending component.
        component: String,
    },
    /// Whitespace, backspace or another control character.
    #[error("role '{role}' contains the invalid character {character:?}")]
    InvalidCharacter {
        /// The whole role.
        role: String,
        /// The offending character.
        character: char,
    },
}

/// Checks `role` against Mesos' role-name rules; `*` is valid.
pub fn validate_role(role: &str) -> Result<(), RoleError> {
    if role == DEFAULT_ROLE {
        return Ok(());
    }
    if role.is_empty() {
        return Err(RoleError::Empty);
    }
    // Characters first: a role like "a b/" is reported for the space, which is the more
    // surprising mistake.
    if let Some(character) = role.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Err(RoleError::InvalidCharacter { role: role.to_owned(), character });
    }
    if role.starts_with('/') {
        return Err(RoleError::LeadingSlash(role.to_owned()));
    }
    if role.ends_with('/') {
        return Err(RoleError::TrailingSlash(role.to_owned()));
    }
    if role.contains("//") {
        return Err(RoleError::EmptyComponent(role.to_owned()));
    }
    for component in role.split('/') {
        if matches!(component, "." | ".." | "*") {
            return Err(RoleError::ReservedComponent {
                role: role.to_owned(),
                component: component.to_owned(),
            });
        }
        if component.starts_with('-') {
            return Err(RoleError::LeadingDash { role: role.to_owned(), component: component.to_owned() });
        }
    }
    Ok(())
}

/// True if `child` lies strictly below `parent` in the hierarchy (`a/b` below `a`, not `ab`).
///
/// Nothing is a sub-role of `*`: `*` is not the root of the hierarchy, it is the unreserved role.
pub fn is_strict_subrole(child: &str, parent: &str) -> bool {
    child.len() > parent.len() && child.starts_with(parent) && child.as_bytes()[parent.len()] == b'/'
}

/// True if `child` equals `parent` or lies below it.
pub fn is_subrole_or_equal(child: &str, parent: &str) -> bool {
    child == parent || is_strict_subrole(child, parent)
}

/// The role one level up (`a/b/c` → `a/b`), or `None` for a top-level role.
pub fn parent(role: &str) -> Option<&str> {
    role.rfind('/').map(|slash| &role[..slash])
}

/// All proper ancestors of `role`, nearest first (`a/b/c` → `a/b`, `a`).
pub fn ancestors(role: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(parent(role), |role| parent(role))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_roles() {
        for role in ["*", "a", "eng/web/api", "a.b", "a-b", "a/b-c", "...", "a/.x", "**", "ünï/côdé"] {
            assert_eq!(validate_role(role), Ok(()), "{role}");
        }
    }

    #[test]
    fn invalid_roles_say_why() {
        let cases = [
            ("", "role name must not be empty"),
            ("/a", "role '/a' must not start with '/'"),
            ("a/", "role 'a/' must not end with '/'"),
            ("/", "role '/' must not start with '/'"),
            ("a//b", "role 'a//b' must not contain '//'"),
            (".", "role '.' must not contain the component '.'"),
            ("a/..", "role 'a/..' must not contain the component '..'"),
            ("a/*", "role 'a/*' must not contain the component '*'"),
            ("-a", "role '-a' has a component starting with '-': '-a'"),
            ("a/-b", "role 'a/-b' has a component starting with '-': '-b'"),
            ("a b", "role 'a b' contains the invalid character ' '"),
            ("a\tb", "role 'a\tb' contains the invalid character '\\t'"),
            ("a\u{8}", "role 'a\u{8}' contains the invalid character '\\u{8}'"),
            ("a\nb/", "role 'a\nb/' contains the invalid character '\\n'"),
        ];
        for (role, message) in cases {
            let error = validate_role(role).expect_err(role);
            assert_eq!(error.to_string(), message, "{role:?}");
        }
    }

    #[test]
    fn hierarchy() {
        assert!(is_strict_subrole("a/b", "a"));
        assert!(is_strict_subrole("a/b/c", "a"));
        assert!(!is_strict_subrole("ab", "a"));
        assert!(!is_strict_subrole("a", "a"));
        assert!(!is_strict_subrole("a", "*"));
        assert!(is_subrole_or_equal("a", "a"));
        assert!(is_subrole_or_equal("a/b", "a"));
        assert!(!is_subrole_or_equal("b", "a"));
        assert_eq!(parent("a/b/c"), Some("a/b"));
        assert_eq!(parent("a"), None);
        assert_eq!(ancestors("a/b/c").collect::<Vec<_>>(), ["a/b", "a"]);
        assert_eq!(ancestors("*").count(), 0);
    }
}
