"""Request plumbing every page shares (sessions first; the flat modules move here when touched)."""
