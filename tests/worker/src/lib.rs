//! The worker the end-to-end suite runs in workerd.
