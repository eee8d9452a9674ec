/** A sentence saying why a form was not accepted, announced as it appears; nothing when none. */
export const Refusal = ({ message }: { message: string | undefined }) =>
  message ? (
    <p role="alert" className="notice error">
      {message}
    </p>
  ) : null;
