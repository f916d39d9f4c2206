/** The PostgreSQL NOTIFY channel on which the server asks the sealer for a checkpoint now. */
export const CHECKPOINT_CHANNEL = 'casework_checkpoint';
