import type { Language } from "#shared/config/city.ts";

/**
 * The words of conversation notices in each language Mutua speaks, so the inbox and the email
 * reach a member in their own language (the web app renders `notice.<kind>` titles from its own
 * catalogues; the email carries these).
 */
type Words = {
  messageTitle: (name: string) => string;
  /** The body of a message notice when the text may not be shown (a sensitive category). */
  messageHidden: string;
  reportedTitle: string;
  reportedBody: (reporter: string, reported: string) => string;
  warningTitle: string;
  decidedTitle: string;
  decidedBody: string;
};

const words: Record<Language, Words> = {
  en: {
    messageTitle: (name) => `New message from ${name}`,
    messageHidden: "You have a new message. Open the conversation to read it.",
    reportedTitle: "A conversation was reported",
    reportedBody: (reporter, reported) =>
      `${reporter} reported a conversation with ${reported}. It waits in the reports queue.`,
    warningTitle: "A warning about your messages",
    decidedTitle: "Your report was handled",
    decidedBody: "A coordinator looked at the conversation you reported. Thank you for telling us.",
  },
  nl: {
    messageTitle: (name) => `Nieuw bericht van ${name}`,
    messageHidden: "Je hebt een nieuw bericht. Open het gesprek om het te lezen.",
    reportedTitle: "Er is een gesprek gemeld",
    reportedBody: (reporter, reported) =>
      `${reporter} heeft een gesprek met ${reported} gemeld. Het wacht in de lijst met meldingen.`,
    warningTitle: "Een waarschuwing over je berichten",
    decidedTitle: "Je melding is behandeld",
    decidedBody: "Een coördinator heeft het gemelde gesprek bekeken. Bedankt dat je het liet weten.",
  },
  fr: {
    messageTitle: (name) => `Nouveau message de ${name}`,
    messageHidden: "Vous avez un nouveau message. Ouvrez la conversation pour le lire.",
    reportedTitle: "Une conversation a été signalée",
    reportedBody: (reporter, reported) =>
      `${reporter} a signalé une conversation avec ${reported}. Elle attend dans la file des signalements.`,
    warningTitle: "Un avertissement au sujet de vos messages",
    decidedTitle: "Votre signalement a été traité",
    decidedBody:
      "Un coordinateur a examiné la conversation que vous avez signalée. Merci de nous avoir prévenus.",
  },
  de: {
    messageTitle: (name) => `Neue Nachricht von ${name}`,
    messageHidden: "Sie haben eine neue Nachricht. Öffnen Sie das Gespräch, um sie zu lesen.",
    reportedTitle: "Ein Gespräch wurde gemeldet",
    reportedBody: (reporter, reported) =>
      `${reporter} hat ein Gespräch mit ${reported} gemeldet. Es wartet in der Liste der Meldungen.`,
    warningTitle: "Eine Verwarnung zu Ihren Nachrichten",
    decidedTitle: "Ihre Meldung wurde bearbeitet",
    decidedBody:
      "Eine Koordinatorin oder ein Koordinator hat das gemeldete Gespräch angesehen. Danke für Ihren Hinweis.",
  },
  es: {
    messageTitle: (name) => `Nuevo mensaje de ${name}`,
    messageHidden: "Tienes un mensaje nuevo. Abre la conversación para leerlo.",
    reportedTitle: "Se ha denunciado una conversación",
    reportedBody: (reporter, reported) =>
      `${reporter} ha denunciado una conversación con ${reported}. Espera en la lista de denuncias.`,
    warningTitle: "Una advertencia sobre tus mensajes",
    decidedTitle: "Tu denuncia se ha tratado",
    decidedBody: "Un coordinador ha revisado la conversación que denunciaste. Gracias por avisarnos.",
  },
};

export function conversationWords(language: Language): Words {
  return words[language];
}
