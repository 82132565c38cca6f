pub(crate) use crate::text::*;
