import { useRouteLoaderData } from '@remix-run/react';
import { translator, type Lang } from './i18n';

interface FrameData {
  signedIn: boolean;
  lang: Lang;
  isp: string | null;
  csrf: string;
}

/** The portal frame's language, translator and CSRF token (routes/client's loader), for any page under /client. */
export function usePortal() {
  const data = useRouteLoaderData('routes/client') as FrameData | undefined;
  const lang: Lang = data?.lang ?? 'en';
  return { lang, t: translator(lang), csrf: data?.csrf ?? '', signedIn: data?.signedIn ?? false };
}
