//! Pure domain types shared by every mesos-rs core: resources and their algebra, role names,
//! and the `Time` newtype. Nothing here does I/O.

pub mod attributes;
pub mod quantities;
pub mod resources;
pub mod rng;
pub mod roles;
pub mod time;

pub use attributes::{Attribute, AttributeValue, Attributes};
pub use quantities::ResourceQuantities;
pub use resources::{Ranges, Reservation, ReservationKind, Resource, Resources, Scalar, Set, Value};
pub use rng::Rng;
pub use time::{Time, WallClock};
