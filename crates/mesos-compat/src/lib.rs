//! Compatibility tests with clients nobody here wrote. `tests/pymesos.rs` installs pymesos
//! from PyPI into a virtualenv of its own (`scripts/pymesos-env.sh`) and runs the Python
//! schedulers and executor in `pymesos/` against real `mesos-master` and `mesos-agent`
//! processes. This crate has no code of its own.
