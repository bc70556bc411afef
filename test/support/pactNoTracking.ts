/** Imported before @pact-foundation/pact: its native library sends anonymous usage metrics unless this is set. */
process.env.PACT_DO_NOT_TRACK = 'true';
