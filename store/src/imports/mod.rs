//! Imports: opening, uploading rows, confirming (the transactional merge), history, undo, notifications (being written).
